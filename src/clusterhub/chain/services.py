# ---------------------------------------------------------------------------------------------
# Supply links: validated writes (API helper). Keep other sections of this file above or below.
# ---------------------------------------------------------------------------------------------


def _supply_link_problems(link) -> dict[str, str]:
    from django.utils.translation import gettext as _

    problems = {}
    if link.supplier_id is not None and link.supplier_id == link.customer_id:
        problems["customer"] = _("a supplier cannot be its own customer")
    if link.supplier_site_id is not None and link.supplier_site.enterprise_id != link.supplier_id:
        problems["supplier_site"] = _("this site belongs to another enterprise, not the supplier")
    if link.customer_site_id is not None and link.customer_site.enterprise_id != link.customer_id:
        problems["customer_site"] = _("this site belongs to another enterprise, not the customer")
    return problems


def save_supply_link(*, link):
    """Validate and save a supply link: not to itself, sites belong to their companies."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    problems = _supply_link_problems(link)
    if problems:
        raise ValidationError(problems)
    link.full_clean()
    with transaction.atomic():
        link.save()
    return link


def delete_supply_link(*, link) -> None:
    link.delete()
