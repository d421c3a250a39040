from django.urls import path

from accounts.api import views

urlpatterns = [
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logoutall/", views.LogoutAllView.as_view(), name="auth-logoutall"),
]
