"""Sign-in through GakuNin (SAML) and ORCID, the IdP picker, account linking and linked identities."""

import datetime

from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djangosaml2 import views as saml_views
from saml2.metadata import create_metadata_string
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse
from saml2.sigver import SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from portal.models import User

from .models import FederationIdP
from .orcid import orcid_client
from .saml import sp_config
from .selectors import federation_idps
from .services import (
    PendingIdentity,
    SignInRefused,
    identity_link,
    identity_link_request,
    identity_remove,
    orcid_connect,
    orcid_sign_in,
    refusal_message,
    saml_sign_in,
)

IDENTITY_BACKEND = "portal.identity.backends.IdentityBackend"
PENDING_KEY = "identity_pending"
IDP_COOKIE = "portal_idp"


class LinkRequired(PermissionDenied):
    def __init__(self, pending: PendingIdentity):
        super().__init__("link required")
        self.pending = pending


class Refused(PermissionDenied):
    def __init__(self, error: SignInRefused):
        super().__init__(error.reason)
        self.error = error


def refusal_page(request, error: SignInRefused, status: int = 403):
    return render(request, "identity/signin_error.html",
                  {"message": refusal_message(error), "reason": error.reason}, status=status)


def _saml_reason(exception) -> str:
    if isinstance(exception, (ResponseLifetimeExceed, ToEarly)):
        return "expired"
    if isinstance(exception, UnsolicitedResponse):
        return "unsolicited"
    if isinstance(exception, (SigverError, IncorrectlySigned)):
        return "signature"
    if isinstance(exception, StatusError):
        return "denied"
    text = str(exception)
    if "AudienceRestrictions" in text:
        return "audience"
    if "not in my metadata" in text.lower() or "Unknown issuer" in text or "unknown entity" in text.lower():
        return "unknown_message_idp"
    return "invalid"


def _clean(value: str) -> str:
    return value.replace("\x00", "")


def _safe_next(request, value: str) -> str:
    ok = url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return value if value and ok else reverse(settings.LOGIN_REDIRECT_URL)


class SamlLoginView(saml_views.LoginView):
    def get(self, request, *args, **kwargs):
        if not request.GET.get("idp"):  # our picker, not djangosaml2's untranslated one
            return redirect(reverse("identity:idp-picker") + "?" + urlencode({"next": request.GET.get("next", "")}))
        return super().get(request, *args, **kwargs)

    def should_prevent_auth(self, request) -> bool:
        return False  # a signed-in user may link their institution's sign-in

    def unknown_idp(self, request, idp):
        return refusal_page(request, SignInRefused("unknown_idp", idp))


class AssertionConsumerView(saml_views.AssertionConsumerServiceView):
    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        if isinstance(exception, LinkRequired):
            # Kept in the SAML session: its cookie comes with the IdP's cross-site POST, so a user who
            # is signed in (and whose session cookie does not come) stays signed in.
            request.saml_session[PENDING_KEY] = exception.pending.as_session()
            return redirect("identity:link")
        if isinstance(exception, Refused):
            return refusal_page(request, exception.error, status)
        return refusal_page(request, SignInRefused(_saml_reason(exception)), status)

    def authenticate_user(self, request, session_info, attribute_mapping, create_unknown_user, assertion_info):
        not_on_or_after = assertion_info.get("not_on_or_after") or ""
        try:
            until = datetime.datetime.fromisoformat(not_on_or_after.replace("Z", "+00:00"))
        except ValueError:
            until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        try:
            result = saml_sign_in(issuer=session_info["issuer"], ava=session_info["ava"],
                                  assertion_id=assertion_info.get("assertion_id") or "", not_on_or_after=until,
                                  linking=request.user.is_authenticated
                                  or request.POST.get("RelayState") == reverse("identity:link"))
        except SignInRefused as error:
            raise Refused(error) from None
        if isinstance(result, PendingIdentity):
            raise LinkRequired(result)
        user = auth.authenticate(request, identity=result)
        if user is None:
            raise Refused(SignInRefused("invalid"))
        auth.login(request, user, backend=IDENTITY_BACKEND)
        return user


def sp_metadata(request):
    """The portal's SP metadata, signed with its key: the federation registers this URL."""
    xml = create_metadata_string(None, config=sp_config(request), valid=settings.SAML_METADATA_VALID_HOURS,
                                 sign=True)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


def idp_picker(request):
    """Discovery: the federation's IdPs with a search box; choosing one is remembered in a cookie.
    Plain links and a GET form, so it works without JavaScript."""
    next_url = _safe_next(request, _clean(request.GET.get("next", "")))
    chosen = _clean(request.GET.get("idp", ""))
    if chosen and FederationIdP.objects.filter(entity_id=chosen).exists():
        response = HttpResponseRedirect(reverse("saml2_login") + "?" + urlencode({"idp": chosen, "next": next_url}))
        response.set_cookie(IDP_COOKIE, chosen, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=request.is_secure())
        return response
    query = _clean(request.GET.get("q", "")).strip()[:200]
    idps = federation_idps(query=query, language=request.LANGUAGE_CODE)
    last = FederationIdP.objects.filter(entity_id=_clean(request.COOKIES.get(IDP_COOKIE, ""))).first()
    return render(request, "identity/idp_picker.html", {
        "idps": idps.distinct()[:200], "query": query, "last": last, "next": next_url,
    })


def _pending(request) -> PendingIdentity | None:
    return PendingIdentity.from_session(request.saml_session.get(PENDING_KEY) or {})


def link(request):
    """An identity whose e-mail address is an existing account's waits here until the owner proves the
    account is theirs: by signing in to it, or by the link e-mailed to its address."""
    pending = _pending(request)
    if pending is None:
        return redirect("portal:profile" if request.user.is_authenticated else "login")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "link" and request.user.is_authenticated:
            try:
                identity_link(user=request.user, pending=pending)
            except SignInRefused as error:
                return refusal_page(request, error)
            del request.saml_session[PENDING_KEY]
            messages.success(request, _("Your institutional sign-in is now linked to your account."))
            return redirect("portal:profile")
        if action == "email":
            identity_link_request(pending=pending, confirm_url=request.build_absolute_uri(
                reverse("identity:link-confirm", args=[pending.signed_token()])))
            messages.info(request, _("We sent a confirmation link to %(email)s.") % {"email": pending.email})
            return redirect("identity:link")
        if action == "cancel":
            del request.saml_session[PENDING_KEY]
            return redirect("portal:home")
    return render(request, "identity/link.html", {"pending": pending})


def link_confirm(request, token: str):
    pending = PendingIdentity.from_token(token)
    if pending is None:
        return refusal_page(request, SignInRefused("invalid"), status=400)
    owner = User.objects.filter(email=pending.email).first()
    if owner is None:
        return refusal_page(request, SignInRefused("not_found"), status=404)
    if request.method == "POST":
        try:
            identity_link(user=owner, pending=pending)
        except SignInRefused as error:
            return refusal_page(request, error)
        messages.success(request, _("The sign-in is linked. You can now sign in through your institution."))
        return redirect("login")
    return render(request, "identity/link_confirm.html", {"pending": pending})


@login_required
@require_POST
def identity_delete(request, pk: int):
    try:
        identity_remove(user=request.user, identity_id=pk)
    except SignInRefused as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("The linked identity was removed."))
    return redirect("portal:profile")


def _orcid_redirect(request, mode: str):
    if not settings.ORCID_CLIENT_ID:
        return refusal_page(request, SignInRefused("orcid_failed"), status=404)
    request.session["orcid_mode"] = mode
    request.session["orcid_next"] = _safe_next(request, request.GET.get("next", ""))
    return orcid_client().authorize_redirect(request, request.build_absolute_uri(reverse("identity:orcid-callback")))


def orcid_login(request):
    return _orcid_redirect(request, "login")


@login_required
def orcid_connect_start(request):
    return _orcid_redirect(request, "connect")


def orcid_callback(request):
    if not settings.ORCID_CLIENT_ID:
        return refusal_page(request, SignInRefused("orcid_failed"), status=404)
    mode = request.session.pop("orcid_mode", "login")
    next_url = request.session.pop("orcid_next", reverse(settings.LOGIN_REDIRECT_URL))
    try:
        token = orcid_client().authorize_access_token(request)
    except (OAuthError, ValueError, OSError):
        return refusal_page(request, SignInRefused("orcid_failed"))
    orcid = str(token.get("orcid") or "")
    if not orcid:
        return refusal_page(request, SignInRefused("orcid_failed"))
    try:
        if mode == "connect" and request.user.is_authenticated:
            orcid_connect(user=request.user, orcid=orcid, name=str(token.get("name") or ""))
            messages.success(request, _("Your ORCID iD %(orcid)s is connected and verified.") % {"orcid": orcid})
            return redirect("portal:profile")
        identity = orcid_sign_in(orcid=orcid)
    except SignInRefused as error:
        return refusal_page(request, error)
    user = auth.authenticate(request, identity=identity)
    if user is None:
        return refusal_page(request, SignInRefused("invalid"))
    auth.login(request, user, backend=IDENTITY_BACKEND)
    return redirect(next_url)
