"""Sourcing pages: demands with their ranked suppliers, "demands that fit me", investment target
lists and the registry search. Views read through restrict() and call the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from clusterhub.core.access import get_access
from clusterhub.core.views import LoginRequiredMixin, paginate

from . import services
from .choices import DemandStatus
from .forms import DemandForm, RespondForm, ResultForm, TargetFilterForm
from .models import DemandCandidate, may_post_demands


def _demand(request, code: str):
    return get_object_or_404(services.demands_visible_to(request.user), code=code)


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{m}" for messages_ in error.message_dict.values() for m in messages_)
    return "; ".join(error.messages)


class DemandListView(LoginRequiredMixin, View):
    def get(self, request):
        demands = services.demands_visible_to(request.user)
        status = request.GET.get("status", "")
        if status in DemandStatus.values:
            demands = demands.filter(status=status)
        mine = request.GET.get("mine") == "1"
        own = services.own_enterprise_ids(request.user)
        if mine:
            demands = demands.filter(buyer_id__in=own) | demands.filter(buyer__group_id__in=own)
        page = paginate(request, demands.order_by("-created", "-pk"))
        context = {
            "page_obj": page,
            "object_list": page.object_list,
            "status": status,
            "statuses": DemandStatus.choices,
            "mine": mine,
            "can_post": may_post_demands(request.user),
            "has_company": bool(own),
            "is_government": get_access(request.user).is_government,
        }
        return render(request, "matching/demand_list.html", context)


class DemandEditView(LoginRequiredMixin, View):
    creating = False

    def _get(self, request, code):
        if self.creating:
            if not may_post_demands(request.user):
                raise Http404
            return None
        demand = _demand(request, code)
        if not services.may_buy_for(request.user, demand.buyer) or not demand.is_active:
            raise Http404
        return demand

    def get(self, request, code=None):
        demand = self._get(request, code)
        initial = DemandForm.initial_from(demand) if demand else {"status": DemandStatus.OPEN}
        form = DemandForm(initial=initial, user=request.user)
        return render(request, "matching/demand_form.html", {"form": form, "demand": demand})

    def post(self, request, code=None):
        demand = self._get(request, code)
        form = DemandForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                saved = services.save_demand(user=request.user, demand=demand, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Demand %(code)s saved.") % {"code": saved.code})
                return redirect(saved.get_absolute_url())
        return render(request, "matching/demand_form.html", {"form": form, "demand": demand})


class DemandDetailView(LoginRequiredMixin, View):
    def get(self, request, code):
        demand = _demand(request, code)
        is_buyer = services.may_buy_for(request.user, demand.buyer)
        ranking = None
        if services.may_see_ranking(request.user, demand):
            ranking = services.rank_suppliers(user=request.user, demand=demand, limit=30)
        candidates = list(
            DemandCandidate.objects.restrict(request.user, "view")
            .filter(demand=demand)
            .select_related("supplier", "site__region")
            .order_by("-score", "pk")
        )
        listed = {c.supplier_id: c for c in candidates}
        own = services.own_enterprise_ids(request.user)
        invitation = next((c for c in candidates if c.supplier_id in own), None)
        context = {
            "demand": demand,
            "ranking": ranking,
            "candidates": candidates,
            "listed": listed,
            "is_buyer": is_buyer,
            "invitation": invitation,
            "respond_form": RespondForm(),
            "result_form": ResultForm(candidates=candidates),
            "targets_url": reverse("matching:targets") + f"?node={demand.chain_node.code}",
        }
        return render(request, "matching/demand_detail.html", context)


class DemandActionView(LoginRequiredMixin, View):
    """POST-only buttons of the demand page: shortlist, invite, remove, answer, result."""

    def post(self, request, code, action):
        from clusterhub.enterprises.models import Enterprise

        demand = _demand(request, code)
        visible = Enterprise.objects.restrict(request.user, "view")
        try:
            if action == "shortlist":
                supplier = get_object_or_404(visible, public_id=request.POST.get("supplier", ""))
                services.shortlist(user=request.user, demand=demand, supplier=supplier)
                messages.success(
                    request, _("%(name)s shortlisted.") % {"name": supplier.display_name}
                )
            elif action == "invite":
                ids = request.POST.getlist("supplier")
                suppliers = list(visible.filter(public_id__in=ids))
                if not suppliers:
                    raise ValidationError(_("Choose at least one supplier to invite."))
                services.invite(user=request.user, demand=demand, suppliers=suppliers)
                messages.success(request, _("%(n)d supplier(s) invited.") % {"n": len(suppliers)})
            elif action == "remove":
                candidate = get_object_or_404(
                    DemandCandidate.objects.restrict(request.user, "view"),
                    demand=demand,
                    supplier__public_id=request.POST.get("supplier", ""),
                )
                services.remove_from_shortlist(user=request.user, candidate=candidate)
                messages.success(request, _("Removed from the shortlist."))
            elif action == "respond":
                form = RespondForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose interested or decline."))
                services.respond(
                    user=request.user,
                    demand=demand,
                    interested=form.cleaned_data["interested"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Your answer has been sent to the buyer."))
            elif action == "result":
                form = ResultForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose the result."))
                winner_id = (form.cleaned_data.get("awarded_to") or "").strip()
                winner = get_object_or_404(visible, public_id=winner_id) if winner_id else None
                services.record_result(
                    user=request.user,
                    demand=demand,
                    outcome=form.cleaned_data["outcome"],
                    awarded_to=winner,
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Result recorded."))
            else:
                raise Http404
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not do this."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(demand.get_absolute_url())


class FitsView(LoginRequiredMixin, View):
    def get(self, request):
        enterprise, fits = services.demands_fitting(user=request.user)
        return render(request, "matching/fits.html", {"enterprise": enterprise, "fits": fits})


def _default_region(user) -> str:
    access = get_access(user)
    paths = access.region_paths()
    if paths:
        return [p for p in max(paths, key=len).split("/") if p][-1]
    return "220000"


class TargetsView(LoginRequiredMixin, View):
    def _answer(self, request):
        form = TargetFilterForm(request.GET or None)
        region = _default_region(request.user)
        year = node = None
        if form.is_bound and form.is_valid():
            region = form.cleaned_data["region"] or region
            year = form.cleaned_data["year"]
            node = (form.cleaned_data["node"] or "").strip() or None
        elif not form.is_bound:
            form = TargetFilterForm(initial={"region": region})
        try:
            answer = services.recommend_targets(
                user=request.user, region_code=region, year=year, node_code=node
            )
        except ValidationError as error:
            raise Http404(_error_text(error))
        return form, answer

    def get(self, request):
        form, answer = self._answer(request)
        access = get_access(request.user)
        context = {
            "form": form,
            "answer": answer,
            "can_create_leads": access.is_superuser or bool(access.region_paths(2)),
            "query": request.GET.urlencode(),
        }
        return render(request, "matching/targets.html", context)


class TargetsExportView(TargetsView):
    def get(self, request):
        from clusterhub.tabular.export import XLSX_TYPE

        from .targets import export_xlsx_bytes

        _form, answer = self._answer(request)
        stamp = timezone.localtime().strftime("%Y%m%d")
        response = HttpResponse(export_xlsx_bytes(answer), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, f"招商目标清单-{answer.region.code}-{stamp}.xlsx"
        )
        return response


class TargetLeadView(LoginRequiredMixin, View):
    def post(self, request):
        from clusterhub.enterprises.models import Enterprise

        enterprise = get_object_or_404(
            Enterprise.objects.restrict(request.user, "view"),
            public_id=request.POST.get("enterprise", ""),
        )
        back = reverse("matching:targets") + "?" + request.POST.get("back", "")
        try:
            project, created = services.create_target_lead(
                user=request.user,
                region_code=request.POST.get("region", ""),
                node_code=request.POST.get("node", ""),
                enterprise=enterprise,
                year=int(request.POST["year"]) if request.POST.get("year", "").isdigit() else None,
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(back)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(back)
        if created:
            messages.success(
                request, _("Project lead %(code)s created from this gap.") % {"code": project.code}
            )
        else:
            messages.info(
                request,
                _("%(code)s is already a lead for this company and gap.") % {"code": project.code},
            )
        return redirect(project.get_absolute_url())


class SearchView(LoginRequiredMixin, View):
    def get(self, request):
        query = request.GET.get("q", "")
        kind = request.GET.get("type", "")
        answer = None
        if "q" in request.GET:
            answer = services.search(
                user=request.user,
                query=query,
                types=[kind] if kind else None,
                city=request.GET.get("city") or None,
                kind=request.GET.get("kind") or None,
                node=request.GET.get("node") or None,
                cert=request.GET.get("cert") or None,
                page=_int(request.GET.get("page"), 1),
                page_size=20,
            )
        context = {"query": query, "type": kind, "answer": answer}
        if answer is not None:
            from .searching import page_count

            context["pages"] = page_count(answer)
        return render(request, "matching/search.html", context)


def _int(value, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default
