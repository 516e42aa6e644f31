"""Page building blocks shared by every app, the home page and the change log pages.

Every page reads through `Model.objects.restrict(request.user, action)`: a record the user may not
see, change or delete is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin as DjangoLoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from .access import get_access
from .changelog import history_for
from .choices import ChangeAction, ChangeSource
from .history import sees_all_changes, visible_changes, with_rows

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50


class LoginRequiredMixin(DjangoLoginRequiredMixin):
    login_url = reverse_lazy("accounts:login")


def paginate(request, queryset, *, per_page: int | None = None):
    """A page of `queryset` from ?page= and ?per_page=; out-of-range pages show the last page."""
    if per_page is None:
        try:
            per_page = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            per_page = DEFAULT_PAGE_SIZE
        if per_page not in PAGE_SIZES:
            per_page = DEFAULT_PAGE_SIZE
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def apply_sort(queryset, sort: str, sort_fields: dict[str, tuple[str, ...]], default: str):
    """Order by a whitelisted key (`name` or `-name`); returns the queryset and the key used."""
    key = sort.lstrip("-")
    if key not in sort_fields:
        sort, key = default, default.lstrip("-")
    fields = sort_fields[key]
    descending = sort.startswith("-")
    ordering = [f"-{f}" if descending else f for f in fields]
    return queryset.order_by(*ordering, "pk"), sort


class FilteredListView(LoginRequiredMixin, View):
    """A list of restricted records, filtered by an app's filter function, sorted and paginated.

    The filter form validates the GET parameters and hands its cleaned values to the filter
    function as keyword arguments, so the page, the export and the API share one filter.
    """

    model = None
    filter_form_class = None
    filter_function = None
    sort_fields: dict[str, tuple[str, ...]] = {}
    default_sort = "name"
    template_name = ""
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def base_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, "view")
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_filter_form(self):
        return self.filter_form_class(self.request.GET or None, user=self.request.user)

    def filtered_queryset(self):
        """(form, queryset, sort) for the current request."""
        form = self.get_filter_form()
        queryset = self.base_queryset()
        if form.is_bound and form.is_valid():
            queryset = type(self).filter_function(queryset, **form.filter_kwargs())
        elif form.is_bound:
            queryset = queryset.none()
        queryset, sort = apply_sort(
            queryset, self.request.GET.get("sort", ""), self.sort_fields, self.default_sort
        )
        return form, queryset, sort

    def extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        form, queryset, sort = self.filtered_queryset()
        page = paginate(request, queryset)
        context = {
            "filter_form": form,
            "page_obj": page,
            "object_list": page.object_list,
            "current_sort": sort,
            "is_filtered": bool(form.is_bound and form.has_changed()),
            "page_sizes": PAGE_SIZES,
        }
        context.update(self.extra_context())
        return render(request, self.template_name, context)


class XlsxExportMixin:
    """Put before a FilteredListView: the same restricted, filtered, sorted rows as an XLSX file.

    Subclasses give `export_columns()` (tabular.export.ExportColumn list), `sheet_title` and
    `export_filename`. Formula-like text is neutralised by the export helpers.
    """

    sheet_title = ""
    export_filename = "export"
    max_export_rows = 50_000

    def export_columns(self) -> list:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        from clusterhub.tabular.export import export_xlsx

        _form, queryset, _sort = self.filtered_queryset()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return export_xlsx(
            queryset[: self.max_export_rows],
            self.export_columns(),
            str(self.sheet_title),
            filename=f"{self.export_filename}-{stamp}.xlsx",
        )


def can(user, obj, action: str) -> bool:
    """True if `user` may perform `action` on `obj` (read through the same restrictions)."""
    if obj is None or obj.pk is None:
        return False
    return type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists()


def record_history(request, obj, *, related=(), limit: int = 50):
    """The change log of one record the user may already view, with its diff rows.

    `related`: (model, foreign-key attname) pairs of dependent rows edited with the record
    (aliases, certifications, capabilities); their changes, deletions included, are found by the
    key in their before/after snapshots and shown with the record's own.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from .models import ObjectChange

    if not related:
        return with_rows(history_for(obj)[:limit], request.user)
    condition = Q(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    )
    for model, attname in related:
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        condition |= Q(content_type=content_type) & (
            Q(**{f"after__{attname}": obj.pk}) | Q(**{f"before__{attname}": obj.pk})
        )
    changes = ObjectChange.objects.filter(condition).select_related("user", "content_type")
    return with_rows(changes[:limit], request.user)


class RestrictedEditView(LoginRequiredMixin, View):
    """Create or edit one record through a form; the record comes from restrict(user, "change").

    Subclasses give `model`, `form_class`, `template_name`, and `lookup` (the URL kwarg and field).
    `save(form)` writes through the app's service; `check_create(request)` decides who may create.
    """

    model = None
    form_class = None
    template_name = ""
    lookup_field = "pk"
    lookup_kwarg = "pk"
    creating = False

    def get_object(self):
        if self.creating:
            return None
        queryset = self.model.objects.restrict(self.request.user, "change")
        return get_object_or_404(queryset, **{self.lookup_field: self.kwargs[self.lookup_kwarg]})

    def check_create(self) -> None:
        """Raise Http404 if the user may not create here."""
        access = get_access(self.request.user)
        if not (access.is_superuser or access.region_paths(2) or access.is_data_steward()):
            raise Http404

    def get_form_kwargs(self, obj) -> dict:
        return {"instance": obj, "user": self.request.user}

    def get_initial(self) -> dict:
        return {}

    def save(self, form, **extra_forms):
        return form.save()

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def extra_context(self, obj) -> dict:
        return {}

    def render_form(self, form, obj, **extra):
        context = {"form": form, "object": obj, "creating": obj is None}
        context.update(self.extra_context(obj))
        context.update(extra)
        return render(self.request, self.template_name, context)

    def get_extra_forms(self, obj, data=None) -> dict:
        """Formsets edited with the main form (aliases, ...), by context name."""
        return {}

    def get(self, request, *args, **kwargs):
        if self.creating:
            self.check_create()
        obj = self.get_object()
        form = self.form_class(initial=self.get_initial(), **self.get_form_kwargs(obj))
        return self.render_form(form, obj, **self.get_extra_forms(obj))

    def post(self, request, *args, **kwargs):
        if self.creating:
            self.check_create()
        obj = self.get_object()
        form = self.form_class(request.POST, **self.get_form_kwargs(obj))
        extra_forms = self.get_extra_forms(obj, request.POST)
        valid = form.is_valid()
        valid = all([f.is_valid() for f in extra_forms.values()]) and valid
        if valid:
            from django.core.exceptions import ValidationError

            try:
                with transaction.atomic():
                    saved = self.save(form, **extra_forms)
            except ValidationError as error:
                _add_errors(form, error)
                return self.render_form(form, obj, **extra_forms)
            if obj is None:
                messages.success(request, _("“%(name)s” was created.") % {"name": saved})
            else:
                messages.success(request, _("“%(name)s” was saved.") % {"name": saved})
            return HttpResponseRedirect(self.success_url(saved))
        return self.render_form(form, obj, **extra_forms)


def _add_errors(form, error) -> None:
    """Put a service's ValidationError on the form: on its fields when the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class RestrictedDeleteView(LoginRequiredMixin, View):
    """Confirm and delete a record from restrict(user, "delete")."""

    model = None
    lookup_field = "pk"
    lookup_kwarg = "pk"
    template_name = "includes/confirm_delete.html"
    success_url = "/"

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, "delete")
        return get_object_or_404(queryset, **{self.lookup_field: self.kwargs[self.lookup_kwarg]})

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(
            request,
            self.template_name,
            {
                "object": obj,
                "model_name": self.model._meta.verbose_name,
                **self.cancel_context(obj),
            },
        )

    def cancel_context(self, obj) -> dict:
        return {"cancel_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"}

    def delete(self, obj) -> None:
        """Delete through the app's service where there is one."""
        obj.delete()

    def post(self, request, *args, **kwargs):
        from django.db.models import ProtectedError

        obj = self.get_object()
        name = str(obj)
        try:
            with transaction.atomic():
                self.delete(obj)
        except ProtectedError:
            messages.error(
                request,
                _("“%(name)s” is still referred to by other records and cannot be deleted.")
                % {"name": name},
            )
            return HttpResponseRedirect(self.cancel_context(obj)["cancel_url"])
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return HttpResponseRedirect(str(self.success_url))


def enterprises_by_prefecture(user, limit: int = 12) -> list[dict]:
    """Visible enterprises counted by the prefecture (second level of the tree) they are in."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from clusterhub.enterprises.models import Enterprise
    from clusterhub.geo.models import Region

    # Paths are "province/prefecture/...": the first 14 characters name the prefecture.
    rows = (
        Enterprise.objects.restrict(user, "view")
        .filter(home_region__isnull=False)
        .annotate(prefix=Substr("home_region__path", 1, 14))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by("-n")[:limit]
    )
    rows = [r for r in rows if len(r["prefix"]) == 14]
    regions = {r.path: r for r in Region.objects.filter(path__in=[r["prefix"] for r in rows])}
    top = max((r["n"] for r in rows), default=0) or 1
    return [
        {"region": regions[r["prefix"]], "count": r["n"], "share": round(100 * r["n"] / top)}
        for r in rows
        if r["prefix"] in regions
    ]


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from clusterhub.chain.models import ChainNode, SupplyLink
        from clusterhub.enterprises.models import Enterprise, Site

        user = self.request.user
        access = get_access(user)
        context = super().get_context_data(**kwargs)
        context["counts"] = {
            "enterprises": Enterprise.objects.restrict(user, "view").count(),
            "sites": Site.objects.restrict(user, "view").count(),
            "supply_links": SupplyLink.objects.restrict(user, "view").count(),
            "chain_nodes": ChainNode.objects.restrict(user, "view").count(),
        }
        context["by_prefecture"] = enterprises_by_prefecture(user)
        context["access"] = access
        context["is_data_steward"] = access.is_data_steward()
        context["recent_changes"] = with_rows(visible_changes(user)[:8], user)
        return context


class ChangeLogView(LoginRequiredMixin, View):
    """The change log: every change the user may read, or one user's changes."""

    template_name = "core/changelog.html"
    scope = "all"  # "all", "mine" or "user"

    def get(self, request, *args, **kwargs):
        user = request.user
        queryset = visible_changes(user)
        subject = None
        if self.scope == "mine":
            subject = user
            queryset = queryset.filter(user=user)
        elif self.scope == "user":
            if not sees_all_changes(user) and kwargs["user_id"] != user.pk:
                raise Http404
            subject = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
            queryset = queryset.filter(user=subject)
        action = request.GET.get("action", "")
        if action in ChangeAction.values:
            queryset = queryset.filter(action=action)
        source = request.GET.get("source", "")
        if source in ChangeSource.values:
            queryset = queryset.filter(source=source)
        q = request.GET.get("q", "").strip()
        if q:
            queryset = queryset.filter(object_repr__icontains=q)
        page = paginate(request, queryset)
        page.object_list = with_rows(page.object_list, user)
        return render(
            request,
            self.template_name,
            {
                "page_obj": page,
                "changes": page.object_list,
                "scope": self.scope,
                "subject": subject,
                "sees_all": sees_all_changes(user),
                "actions": ChangeAction.choices,
                "sources": ChangeSource.choices,
                "selected_action": action,
                "selected_source": source,
                "q": q,
                "title": {
                    "all": gettext_lazy("Change log"),
                    "mine": gettext_lazy("My changes"),
                    "user": gettext_lazy("Changes by user"),
                }[self.scope],
            },
        )
