def test_roles_exist(clerk, verifier):
    assert clerk.has_perm("repatriation.add_handover")
    assert verifier.has_perm("repatriation.verify_handover")
    assert not clerk.has_perm("repatriation.verify_handover")
