"""``manage.py publish_release``: freeze the public data as the next numbered release."""

from django.core.management.base import BaseCommand

from ledger.releases import release_dir, release_publish


class Command(BaseCommand):
    help = "Freeze the public data as the next numbered release under RELEASES_DIR."

    def handle(self, *args, **options):
        release = release_publish()
        counts = ", ".join(
            f"{name} +{c['new']} ~{c['changed']} -{c['removed']}"
            for name, c in release.counts.items()
        )
        self.stdout.write(
            f"Release {release.number} (data version {release.data_version}) in "
            f"{release_dir(release.number)}; manifest {release.manifest_sha256}; {counts}"
        )
