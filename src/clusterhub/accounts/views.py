"""Sign-in and sign-out, the user's profile with their scope, and their API tokens."""

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import LoginRequiredMixin

from .forms import LoginForm, TokenForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("core:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")


class ProfileView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        memberships = user.memberships.select_related(
            "organisation__region", "region_scope"
        ).order_by("-is_active", "organisation__name")
        access = get_access(user)
        return render(
            request,
            "accounts/profile.html",
            {
                "memberships": memberships,
                "access": access,
                "is_data_steward": access.is_data_steward(),
                "token_count": ApiToken.objects.filter(user=user, is_active=True).count(),
            },
        )


class TokenListView(LoginRequiredMixin, View):
    """List, create and revoke the user's own API tokens; a new key is shown once."""

    template_name = "accounts/tokens.html"

    def render_page(self, request, form, raw_key=None, new_token=None):
        tokens = ApiToken.objects.filter(user=request.user).order_by("-is_active", "-created")
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "tokens": tokens,
                "raw_key": raw_key,
                "new_token": new_token,
                "now": timezone.now(),
            },
        )

    def get(self, request):
        return self.render_page(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        expires = form.cleaned_data.get("expires")
        if expires:
            expires = timezone.make_aware(datetime.datetime.combine(expires, datetime.time.max))
        token, raw = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], expires=expires
        )
        # The raw key is rendered in this response only; it is never stored or shown again.
        response = self.render_page(request, TokenForm(), raw_key=raw, new_token=token)
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
        if token.is_active:
            token.is_active = False
            token.save(update_fields=["is_active", "updated"])
            messages.success(request, _("Token “%(name)s” was revoked.") % {"name": token.name})
        return HttpResponseRedirect(reverse("accounts:tokens"))
