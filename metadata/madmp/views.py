"""The maDMP upload page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import MadmpUploadForm, validation_messages
from .services import madmp_import


@login_required
def madmp_upload(request):
    form = MadmpUploadForm(request.POST or None, request.FILES or None)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            dmp = madmp_import(data=form.cleaned_data["file"], actor=request.user,
                               program=form.cleaned_data["program"],
                               grant_number=form.cleaned_data["grant_number"],
                               research_field=form.cleaned_data["research_field"])
        except (ValidationError, PermissionDenied) as error:
            errors = validation_messages(error) if isinstance(error, ValidationError) else {"$": [str(error)]}
        else:
            messages.success(request, _("The DMP was imported as a draft with its managed data."))
            return redirect(dmp)
    return render(request, "madmp/madmp_upload.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)
