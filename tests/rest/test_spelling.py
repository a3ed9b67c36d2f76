"""How the facade spells the domain's paths (as the seeds' parameters) and actions (as its
methods)."""

import pytest

from app.domain.enums import Action
from app.domain.errors import ErrorCode, Path, Problem
from app.rest.errors import parameter, refusal


@pytest.mark.parametrize(
    ("path", "spelled"),
    [
        (None, None),
        (("lead",), "lead_identifier"),
        (("lead", "number"), "lead_identifier.number"),
        (("status", "name"), "status_identifier.name"),
        (("lost_reason", "alternative_code"), "lost_reason_identifier.alternative_code"),
        (("accounts_receivable",), "accounts_receivable"),
        (
            ("accounts_receivable", "existing", "number"),
            "accounts_receivable.accounts_receivable_identifier.number",
        ),
        (("accounts_receivable", "new", "name"), "accounts_receivable.name"),
        (("first",), "number_of_results"),
        (("offset",), "offset"),
        (("period",), "period"),
        (("filter", "contact", "id_number"), "contact_information_identifier.id_number"),
        (("filter", "accounts_receivable", "number"), "accounts_receivable_identifier.number"),
        (("filter", "type", "name"), "type_identifier.name"),
        (("filter", "category", "code"), "category_identifier.code"),
        (("changes", "contact"), "contact_information"),
        (
            ("changes", "contact", "existing", "id_number"),
            "contact_information.contact_information_identifier.id_number",
        ),
        (("changes", "contact", "new", "first_name"), "contact_information.first_name"),
        (
            ("changes", "contact", "new", "id_number"),
            "contact_information.demographics.id_number",
        ),
        (("changes", "type", "name"), "type_identifier.name"),
        (("changes", "category", "code"), "category_identifier.code"),
        (("changes", "accounts_receivable"), "accounts_receivable_identifier"),
        (
            ("changes", "accounts_receivable", "existing", "number"),
            "accounts_receivable_identifier.number",
        ),
        (("changes", "lost_reason"), "lost_reason_identifier"),
        (("changes", "assigned_user", "username"), "assigned_to.user_identifier.username"),
        (("changes", "assigned_unit", "name"), "assigned_to.unit_identifier.name"),
        (("changes", "owned_by_group"), "owned_by_group_identifier"),
        (("changes", "privacy_level", "name"), "privacy_level_identifier.name"),
        (("changes", "lead_owner", "username"), "lead_owner.username"),
        (("changes", "subscription_package", "id"), "subscription_package_identifier.id"),
        (("changes", "source"), "source"),
        (("changes", "source", "website"), "source.name"),
        (("changes", "source", "custom", "name"), "source.name"),
        (
            ("changes", "source", "communication", "number"),
            "source.source_communications_identifier.number",
        ),
        (
            ("changes", "source", "recommended_by_contact", "id_number"),
            "source.source_recommendedbycontact_identifier.id_number",
        ),
        (
            ("changes", "estimated_completion_time", "value"),
            "estimated_completion_time.time_period_value",
        ),
        (("changes", "priority"), "priority"),
        (("changes", "udf_date_3"), "udf_date_3"),
        (("changes", "users"), "users_set"),
        (
            ("changes", "users", 0, "add", "username"),
            "users_set[0].user_identifier.username",
        ),
        (
            ("changes", "competitors", 1, "remove", "name"),
            "competitors_set[1].lead_competitor_identifier.competitor_identifier.name",
        ),
        (
            ("changes", "services", 2, "add", "product", "alternative_code"),
            "services_set[2].product_identifier.alternative_code",
        ),
        (
            ("changes", "physical_goods", 0, "remove", "product_type", "name"),
            "physical_goods_set[0].lead_physical_good_identifier.product_type_identifier.name",
        ),
        (
            ("changes", "products", 3, "add", "product_family", "name"),
            "products_set[3].lead_product_identifier.product_family_identifier.name",
        ),
    ],
)
def test_domain_paths_as_the_seeds_parameters(path: Path | None, spelled: str | None) -> None:
    assert parameter(path) == spelled


@pytest.mark.parametrize(
    ("remedy", "message"),
    [
        ((Action.WIN,), "Moved: use `win` instead."),
        ((Action.LOSE,), "Moved: use `lost` instead."),
        ((Action.START_PROGRESS, Action.WIN), "Moved: use `start_progress`, then `win` instead."),
        ((), "Moved"),
    ],
)
def test_remedies_name_the_methods(remedy: tuple[Action, ...], message: str) -> None:
    problem = Problem(("changes", "status", "name"), "Won", ErrorCode.INVALID_TRANSITION, "Moved")
    spelled = refusal(Problem(problem.path, problem.value, problem.code, problem.reason, remedy))
    assert spelled.parameter == "status_identifier.name"
    assert spelled.reason == message
    assert spelled.message == f"status_identifier.name 'Won': {message}"
