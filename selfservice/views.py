from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator

from casedesk.downloads import attachment_response
from casedesk.roles import is_agent
from casedesk.services import CaseActionError, do_mark_case_seen_by_customer

from . import ratelimit, selectors, services, tokens
from .access import customer_case, customer_required
from .forms import (
    CloseForm,
    EmailForm,
    NewCaseForm,
    NoteForm,
    PortalLoginForm,
    PortalPasswordResetForm,
    ReopenForm,
    SignupForm,
    to_new_attachments,
)

AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"

# --- cases ------------------------------------------------------------------------------


@customer_required
def my_cases(request):
    cases = selectors.my_cases(request.contact)
    return render(request, "selfservice/my_cases.html", {"cases": cases})


@customer_required
def new_case(request):
    form = NewCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = services.do_submit_case(
            request.contact,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            priority=form.cleaned_data.get("priority"),
            attachments=to_new_attachments(form.cleaned_data["attachments"]),
        )
        messages.success(request, f"Case {case.number} created. We have emailed you a confirmation.")
        return redirect("selfservice:case", number=case.number)
    return render(request, "selfservice/new_case.html", {"form": form})


def _case_page(request, case, *, note_form=None, status=200):
    context = {
        "case": case,
        "history": selectors.case_history(case),
        "note_form": note_form or NoteForm(),
        "close_form": CloseForm(),
        "reopen_form": ReopenForm(),
        "can_reopen": services.can_reopen(case),
        "is_own": case.contact_id == request.contact.pk,
    }
    response = render(request, "selfservice/case.html", context, status=status)
    if case.contact_id == request.contact.pk:
        do_mark_case_seen_by_customer(case)
    return response


@customer_case()
def case_detail(request, case):
    return _case_page(request, case)


@customer_case("POST", own=True)
def case_add_note(request, case):
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, case, note_form=form, status=400)
    try:
        services.do_customer_add_note(
            case,
            request.contact,
            body=form.cleaned_data["body"],
            attachments=to_new_attachments(form.cleaned_data["attachments"]),
        )
    except CaseActionError as exc:
        messages.error(request, str(exc))
        return _case_page(request, case, note_form=form, status=400)
    messages.success(request, "Your note was added.")
    return redirect("selfservice:case", number=case.number)


@customer_case("POST", own=True)
def case_close(request, case):
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.do_customer_close(case, request.contact, reason=form.cleaned_data.get("reason", ""))
        messages.success(request, f"{case.label} is closed.")
    except CaseActionError as exc:
        messages.error(request, str(exc))
    return redirect("selfservice:case", number=case.number)


@customer_case("POST", own=True)
def case_reopen(request, case):
    form = ReopenForm(request.POST)
    form.is_valid()
    try:
        services.do_customer_reopen(case, request.contact, reason=form.cleaned_data.get("reason", ""))
        messages.success(request, f"{case.label} is open again.")
    except CaseActionError as exc:
        messages.error(request, str(exc))
    return redirect("selfservice:case", number=case.number)


@customer_case()
def attachment_download(request, case, attachment_id: int):
    return attachment_response(selectors.attachment_for_customer(case, attachment_id), inline_images=False)


# --- accounts ---------------------------------------------------------------------------


def signup(request):
    if request.user.is_authenticated:
        return redirect("selfservice:my_cases")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if ratelimit.hit(request, "signup", email):
            form.add_error(None, ratelimit.LIMITED_MESSAGE)
            return render(request, "selfservice/signup.html", {"form": form}, status=429)
        services.do_sign_up(
            email=email, password=form.cleaned_data["password1"], name=form.cleaned_data["name"]
        )
        return redirect("selfservice:signup_sent")
    return render(request, "selfservice/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "selfservice/sent.html", {"what": "signup"})


def verify(request, token: str):
    user = tokens.check_token(token, tokens.VERIFY)
    if user is None or not services.is_pending_signup(user):
        return render(request, "selfservice/link_invalid.html", {"what": "verify"}, status=400)
    if request.method == "POST":
        try:
            services.do_verify_signup(user)
        except CaseActionError as exc:  # the contact got another login since the sign-up
            messages.error(request, str(exc))
            return render(request, "selfservice/link_invalid.html", {"what": "verify"}, status=409)
        login(request, user, backend=AUTH_BACKEND)
        messages.success(request, "Your email address is confirmed. Welcome!")
        return redirect("selfservice:my_cases")
    return render(request, "selfservice/confirm_link.html", {"what": "verify", "email": user.email})


def signin_link(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if ratelimit.hit(request, "signin_link", email):
            form.add_error(None, ratelimit.LIMITED_MESSAGE)
            return render(request, "selfservice/signin_link.html", {"form": form}, status=429)
        services.do_send_signin_link(email)
        return redirect("selfservice:signin_link_sent")
    return render(request, "selfservice/signin_link.html", {"form": form})


def signin_link_sent(request):
    return render(request, "selfservice/sent.html", {"what": "signin_link"})


def signin_with_link(request, token: str):
    # GET only shows a button: mail scanners that open links must not spend the one use.
    user = tokens.check_token(token, tokens.SIGNIN)
    if user is None or not user.is_active or selectors.customer_contact(user) is None:
        return render(request, "selfservice/link_invalid.html", {"what": "signin"}, status=400)
    if request.method == "POST":
        login(request, user, backend=AUTH_BACKEND)
        return redirect("selfservice:my_cases")
    return render(request, "selfservice/confirm_link.html", {"what": "signin", "email": user.email})


class PortalLoginView(auth_views.LoginView):
    template_name = "selfservice/login.html"
    form_class = PortalLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("selfservice:my_cases")

    def get_success_url(self):
        if is_agent(self.request.user):
            return reverse("console:my_work")
        return super().get_success_url()


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("selfservice:login")


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "selfservice/password_reset.html"
    email_template_name = "selfservice/email/password_reset.txt"
    subject_template_name = "selfservice/email/password_reset_subject.txt"
    success_url = reverse_lazy("selfservice:password_reset_sent")

    def form_valid(self, form):
        if ratelimit.hit(self.request, "reset", form.cleaned_data["email"]):
            form.add_error(None, ratelimit.LIMITED_MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def password_reset_sent(request):
    return render(request, "selfservice/sent.html", {"what": "reset"})


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "selfservice/password_reset_confirm.html"
    success_url = reverse_lazy("selfservice:password_reset_complete")


def password_reset_complete(request):
    messages.success(request, "Your password was changed. Please sign in.")
    return redirect("selfservice:login")


@method_decorator(customer_required, name="dispatch")
class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "selfservice/password_change.html"
    success_url = reverse_lazy("selfservice:my_cases")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)
