"""The cockpit page and the weekly briefing (HTML preview and PDF)."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View

from clusterhub.core.views import LoginRequiredMixin
from clusterhub.projects.kpis import UnknownScope, resolve_scope

from .briefing import briefing_context, render_briefing_pdf
from .services import cockpit_for


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404
    if not 2000 <= year <= 2100:
        raise Http404
    return year


class CockpitView(LoginRequiredMixin, View):
    def get(self, request):
        year = _year(request)
        cockpit = cockpit_for(user=request.user, year=year)
        this_year = timezone.localdate().year
        return render(
            request,
            "dashboards/cockpit.html",
            {
                "cockpit": cockpit,
                "chart_data": cockpit.chart_data(),
                "years": list(range(2020, this_year + 1)),
            },
        )


def _briefing_args(request):
    try:
        scope = resolve_scope(request.GET.get("scope") or "cluster")
    except UnknownScope:
        raise Http404
    week = request.GET.get("week")
    try:
        week_end = datetime.date.fromisoformat(week) if week else timezone.localdate()
    except ValueError:
        raise Http404
    return scope, week_end


class BriefingView(LoginRequiredMixin, View):
    """The briefing as a page (what the PDF prints), with links to the PDF per scope."""

    def get(self, request):
        scope, week_end = _briefing_args(request)
        context = briefing_context(user=request.user, scope=scope, week_end=week_end)
        context["preview"] = True
        return render(request, "dashboards/briefing.html", context)


class BriefingPdfView(LoginRequiredMixin, View):
    def get(self, request):
        scope, week_end = _briefing_args(request)
        pdf = render_briefing_pdf(user=request.user, scope=scope, week_end=week_end)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"briefing-{scope.code}-{week_end.isoformat()}.pdf"
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response
