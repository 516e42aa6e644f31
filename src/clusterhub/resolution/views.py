"""Review pages: the queue with bulk actions, the side-by-side comparison, merges and their undo,
flagging two registry records as one company, and old public ids that still answer.

Only government officers whose scope covers both records see a pair (ReviewItem's region is the
smallest region holding both; core.access restricts on it). Anything else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import LoginRequiredMixin, paginate
from clusterhub.enterprises.models import Enterprise

from . import services
from .choices import ReviewStatus
from .explain import comparison_rows, why_in_review
from .models import Merge


def _officer_or_404(user) -> None:
    """Review pages are for government officers (and stewards); others get a 404."""
    access = get_access(user)
    if not (access.is_superuser or access.region_paths(2)):
        raise Http404


def _threshold_context() -> dict:
    auto, review = services.thresholds()
    measured = services.measured_at(auto, review)
    return {"auto_threshold": auto, "review_threshold": review, "measured": measured}


class QueueView(LoginRequiredMixin, View):
    template_name = "resolution/queue.html"

    def get(self, request):
        _officer_or_404(request.user)
        status = request.GET.get("status") or ReviewStatus.PENDING
        if status not in ReviewStatus.values:
            status = ReviewStatus.PENDING
        items = services.reviewable_items(request.user).filter(status=status)
        page = paginate(request, items.order_by("-score", "pk"))
        counts = {
            value: services.reviewable_items(request.user).filter(status=value).count()
            for value in ReviewStatus.values
        }
        return render(
            request,
            self.template_name,
            {
                "page_obj": page,
                "object_list": page.object_list,
                "status": status,
                "statuses": [(v, label, counts[v]) for v, label in ReviewStatus.choices],
                **_threshold_context(),
            },
        )

    def post(self, request):
        _officer_or_404(request.user)
        action = request.POST.get("action")
        ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
        items = services.reviewable_items(request.user).filter(
            pk__in=ids, status=ReviewStatus.PENDING
        )
        if action not in ("accept", "reject") or not ids:
            messages.warning(request, _("Choose pairs and an action."))
            return redirect("resolution:index")
        done, problems = services.decide_many(
            items=list(items), user=request.user, accept=action == "accept"
        )
        if action == "accept":
            messages.success(request, _("%(n)d pairs merged.") % {"n": done})
        else:
            messages.success(request, _("%(n)d pairs marked as different companies.") % {"n": done})
        for problem in problems:
            messages.error(request, problem)
        return redirect("resolution:index")


class ReviewView(LoginRequiredMixin, View):
    template_name = "resolution/review.html"

    def _item(self, request, pk):
        _officer_or_404(request.user)
        return get_object_or_404(services.reviewable_items(request.user), pk=pk)

    def get(self, request, pk):
        item = self._item(request, pk)
        rows = comparison_rows(item)
        thresholds = _threshold_context()
        held = why_in_review(item, auto_threshold=thresholds["auto_threshold"])
        return render(
            request,
            self.template_name,
            {"item": item, "rows": rows, "why_in_review": held, **thresholds},
        )

    def post(self, request, pk):
        item = self._item(request, pk)
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.accept_review(item=item, user=request.user)
                messages.success(request, _("Merged: the two records are now one."))
            elif action == "reject":
                services.reject_review(item=item, user=request.user)
                messages.success(request, _("Kept apart: this pair will not be asked again."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        following = (
            services.reviewable_items(request.user)
            .filter(status=ReviewStatus.PENDING)
            .order_by("-score", "pk")
            .first()
        )
        if following is not None and request.POST.get("next") == "1":
            return redirect("resolution:review", pk=following.pk)
        return redirect("resolution:index")


class MergeListView(LoginRequiredMixin, View):
    template_name = "resolution/merges.html"

    def get(self, request):
        _officer_or_404(request.user)
        merges = Merge.objects.restrict(request.user, "change").select_related(
            "survivor", "merged_by", "undone_by"
        )
        page = paginate(request, merges)
        return render(request, self.template_name, {"page_obj": page, "object_list": page})


class UndoMergeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        _officer_or_404(request.user)
        merge = get_object_or_404(Merge.objects.restrict(request.user, "change"), pk=pk)
        try:
            restored = services.undo_merge(merge=merge, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("resolution:merges")
        messages.success(
            request, _("Merge undone: %(name)s is a record again.") % {"name": restored.name}
        )
        return redirect("resolution:merges")


class FlagView(LoginRequiredMixin, View):
    """Any user who can see two registry records may say they are the same company."""

    template_name = "resolution/flag.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {"first": request.GET.get("enterprise", ""), "second": "", "note": ""},
        )

    def post(self, request):
        visible = Enterprise.objects.restrict(request.user, "view")
        first_id = request.POST.get("first", "").strip().upper()
        second_id = request.POST.get("second", "").strip().upper()
        context = {"first": first_id, "second": second_id, "note": request.POST.get("note", "")}
        first = visible.filter(public_id=first_id).first()
        second = visible.filter(public_id=second_id).first()
        if first is None or second is None:
            messages.error(request, _("Give the public ids of two records you can see."))
            return render(request, self.template_name, context, status=400)
        try:
            services.flag_same_company(
                user=request.user, enterprise=first, other=second, note=context["note"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return render(request, self.template_name, context, status=400)
        messages.success(request, _("Thank you: an officer will review the pair."))
        return redirect(first.get_absolute_url())


class PublicIdView(LoginRequiredMixin, View):
    """/resolution/id/<public id>/: the enterprise a public id names today, even after a merge."""

    def get(self, request, public_id):
        enterprise = services.visible_record_for(request.user, public_id.upper())
        if enterprise is None:
            raise Http404
        return redirect(reverse("enterprises:detail", args=[enterprise.public_id]))
