from django.contrib.auth import views as auth_views
from django.urls import path

from core.views import accounts

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or an image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/setup/", accounts.SecondFactorSetupView.as_view(), name="otp_setup"),
    path("otp/verify/", accounts.SecondFactorVerifyView.as_view(), name="otp_verify"),
    path("language/", accounts.UserLanguageView.as_view(), name="user_language"),
]
