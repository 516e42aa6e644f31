"""Project pages: the filtered list and its XLSX export, the detail page with the stage moves,
milestones, problem log and funds, create/edit, the owner's alerts and the targets.

A project the user may not see is a 404. One they may see but not change shows the reason (403).
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import (
    FilteredListView,
    LoginRequiredMixin,
    RestrictedEditView,
    can,
    record_history,
)

from . import services
from .choices import PIPELINE, Stage
from .exports import export_projects
from .filters import filter_projects
from .forms import (
    FundsForm,
    MilestoneForm,
    ProblemForm,
    ProjectFilterForm,
    ProjectForm,
    ResolveForm,
    StageMoveForm,
)
from .kpis import COUNTING_RULE
from .models import Milestone, Problem, Project

SORT_FIELDS = {
    "code": ("code",),
    "name": ("name",),
    "stage": ("stage", "code"),
    "city": ("city__code", "code"),
    "amount": ("contract_amount",),
    "signed": ("signed_on",),
    "updated": ("updated",),
}


class ProjectListView(FilteredListView):
    model = Project
    filter_form_class = ProjectFilterForm
    filter_function = filter_projects
    sort_fields = SORT_FIELDS
    default_sort = "-updated"
    template_name = "projects/project_list.html"
    select_related = ("investor", "city", "landing_park", "owner")

    def extra_context(self):
        access = get_access(self.request.user)
        return {
            "can_create": access.is_superuser or bool(access.region_paths(2)),
            "counting_rule": COUNTING_RULE,
            "export_query": self.request.GET.urlencode(),
        }


class ProjectExportView(ProjectListView):
    """The XLSX of the filtered list: the same filter and the same restrictions as the page."""

    def get(self, request, *args, **kwargs):
        _form, queryset, _sort = self.filtered_queryset()
        return export_projects(queryset, user=request.user)


def _visible(request, code) -> Project:
    queryset = Project.objects.restrict(request.user, "view").select_related(
        "investor",
        "city",
        "signing_region",
        "landing_region",
        "landing_park",
        "site",
        "owner",
        "secretary",
        "origin_chain_node",
        "origin_region",
    )
    return get_object_or_404(queryset, code=code)


def _detail_context(request, project, **forms) -> dict:
    user = request.user
    may_change = can(user, project, "change")
    events = list(project.stage_events.select_related("user").order_by("at", "pk"))
    reached = {e.to_stage for e in events}
    context = {
        "project": project,
        "object": project,
        "can_change": may_change,
        "pipeline": [(s, Stage(s).label, s in reached) for s in PIPELINE],
        "events": events,
        "milestones": project.milestones.select_related("owner"),
        "problems": project.problems.select_related("owner"),
        "funds": project.fund_arrivals.all(),
        "chain_nodes": project.chain_nodes.all(),
        "named_people": project.named_people.all(),
        "history": record_history(request, project),
        "today": timezone.localdate(),
        "counting_rule": COUNTING_RULE,
    }
    if may_change:
        context.update(
            {
                "move_form": StageMoveForm(project=project),
                "milestone_form": MilestoneForm(),
                "problem_form": ProblemForm(),
                "resolve_form": ResolveForm(),
                "funds_form": FundsForm(),
            }
        )
    context.update(forms)
    return context


class ProjectDetailView(LoginRequiredMixin, View):
    def get(self, request, code):
        project = _visible(request, code)
        return render(request, "projects/project_detail.html", _detail_context(request, project))


class ProjectActionView(LoginRequiredMixin, View):
    """A POST on a project: 404 if unseen; the service refuses with a reason (403 or 400)."""

    form_class = None
    form_name = ""
    success_message = ""

    def form(self, request, project):
        return self.form_class(request.POST)

    def act(self, request, project, form):
        raise NotImplementedError

    def post(self, request, code, **kwargs):
        project = _visible(request, code)
        self.kwargs = kwargs
        form = self.form(request, project)
        if form.is_valid():
            try:
                self.act(request, project, form)
            except services.ProjectPermissionError as error:
                messages.error(request, str(error))
                context = _detail_context(request, project)
                return render(request, "projects/project_detail.html", context, status=403)
            except ValidationError as error:
                for field, errors in getattr(error, "message_dict", {"": error.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, self.success_message or _("Saved."))
                return HttpResponseRedirect(project.get_absolute_url())
        if not can(request.user, project, "change"):
            messages.error(request, _("You may view this project but not change it."))
            return render(
                request,
                "projects/project_detail.html",
                _detail_context(request, project),
                status=403,
            )
        context = _detail_context(request, project, **{self.form_name: form})
        context["open_form"] = self.form_name
        return render(request, "projects/project_detail.html", context, status=400)


class ProjectMoveView(ProjectActionView):
    form_name = "move_form"

    def form(self, request, project):
        return StageMoveForm(request.POST, project=project)

    def act(self, request, project, form):
        moved = services.move_project_stage(
            user=request.user, project=project, **form.service_kwargs()
        )
        self.success_message = _("Moved to “%(stage)s”.") % {"stage": moved.get_stage_display()}


class MilestoneAddView(ProjectActionView):
    form_class = MilestoneForm
    form_name = "milestone_form"

    def act(self, request, project, form):
        services.add_milestone(user=request.user, project=project, **form.cleaned_data)
        self.success_message = _("Milestone added.")


class MilestoneDoneView(ProjectActionView):
    def form(self, request, project):
        from django import forms

        return forms.Form(request.POST)

    def act(self, request, project, form):
        milestone = get_object_or_404(Milestone, pk=self.kwargs["pk"], project=project)
        services.complete_milestone(user=request.user, milestone=milestone)
        self.success_message = _("Milestone done.")


class ProblemAddView(ProjectActionView):
    form_class = ProblemForm
    form_name = "problem_form"

    def act(self, request, project, form):
        services.add_problem(user=request.user, project=project, **form.cleaned_data)
        self.success_message = _("Problem logged.")


class ProblemResolveView(ProjectActionView):
    form_class = ResolveForm
    form_name = "resolve_form"

    def act(self, request, project, form):
        problem = get_object_or_404(Problem, pk=self.kwargs["pk"], project=project)
        services.resolve_problem(
            user=request.user, problem=problem, resolution=form.cleaned_data["resolution"]
        )
        self.success_message = _("Problem resolved.")


class FundsAddView(ProjectActionView):
    form_class = FundsForm
    form_name = "funds_form"

    def act(self, request, project, form):
        services.record_funds(user=request.user, project=project, **form.cleaned_data)
        self.success_message = _("Funds recorded.")


class ProjectEditView(RestrictedEditView):
    model = Project
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    lookup_field = lookup_kwarg = "code"

    def get_object(self):
        if self.creating:
            return None
        project = _visible(self.request, self.kwargs["code"])
        if not can(self.request.user, project, "change"):
            raise Http404
        return project

    def save(self, form, **extra):
        data = dict(form.cleaned_data)
        data.pop("investor_name")
        chain_nodes = data.pop("chain_nodes", None)
        code = data.pop("code", None)
        try:
            if form.instance.pk is None:
                return services.create_project(
                    user=self.request.user,
                    investor=form.investor,
                    code=code or None,
                    chain_nodes=chain_nodes or (),
                    **data,
                )
            return services.update_project(
                user=self.request.user,
                project=Project.objects.get(pk=form.instance.pk),
                investor=form.investor,
                chain_nodes=chain_nodes,
                **data,
            )
        except services.ProjectPermissionError as error:
            raise ValidationError({"signing_region": str(error)})

    def get_form_kwargs(self, obj):
        # The form must not write to the instance the service re-reads.
        instance = Project.objects.get(pk=obj.pk) if obj else None
        return {"instance": instance, "user": self.request.user}


class AlertsView(LoginRequiredMixin, View):
    """The signed-in user's alerts: projects they own or are secretary of."""

    def get(self, request):
        alerts = services.alerts_for_owner(user=request.user)
        counts = Counter(alert.kind for alert in alerts)
        chosen = request.GET.get("kind", "")
        if chosen not in services.ALERT_KINDS:
            chosen = ""
        tabs = [
            {"kind": kind, "label": label, "count": counts[kind]}
            for kind, label in services.ALERT_KINDS.items()
        ]
        shown = [alert for alert in alerts if not chosen or alert.kind == chosen]
        return render(
            request,
            "projects/alerts.html",
            {"alerts": shown, "total": len(alerts), "tabs": tabs, "chosen": chosen},
        )


class TargetsView(LoginRequiredMixin, View):
    """Targets of a scope and year with their progress (KPIs)."""

    def get(self, request):
        from .kpis import UnknownScope, kpi_report, resolve_scope

        year = request.GET.get("year") or str(timezone.localdate().year)
        try:
            year = int(year)
        except ValueError:
            raise Http404
        try:
            scope = resolve_scope(request.GET.get("scope"))
        except UnknownScope:
            raise Http404
        report = kpi_report(user=request.user, scope=scope, year=year)
        from .kpis import cluster_cities

        return render(
            request,
            "projects/targets.html",
            {
                "report": report,
                "year": year,
                "years": list(range(2020, timezone.localdate().year + 2)),
                "cities": cluster_cities(),
                "scope_code": scope.code,
                "counting_rule": COUNTING_RULE,
            },
        )
