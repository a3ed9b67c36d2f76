"""Every read of leads goes through the read path (`app/domain/leads/queries.py`), which
applies who may see what: a static check over every module of `app/` that nothing else
selects from the lead table.

A module selects from the lead table when a query it builds names the `Lead` model (or
`models.Lead`, its `__table__`, an `aliased` one, or a name given one of these):
`select(Lead)`, `select(col(Lead.number))`, `.select_from(Lead)`, `.join(Lead, ...)`,
`.where(col(Lead.x) == ...)`, `exists().where(...)`, `session.get(Lead, ...)`,
`find_one(..., Lead, ...)`; or when its raw SQL selects `FROM lead` or `JOIN lead`. Besides
the read path, the write path (`writes.py`, which updates the lead table), the model itself,
the visibility condition the read path applies, and the migrations may name the table.
"""

import ast
import re
from pathlib import Path

import pytest

ALLOWED = frozenset(
    {
        "app/domain/leads/queries.py",  # the read path
        "app/domain/leads/writes.py",  # the write path
        "app/domain/leads/visibility.py",  # the condition the read path applies
        "app/domain/models.py",
    }
)
ALLOWED_UNDER = ("app/migrations/",)
MODELS = "app.domain.models"
# Calls that build or run a query: naming the lead model in one reads the lead table.
QUERY_CALLS = frozenset(
    {
        "select", "select_from", "join", "outerjoin", "exists", "where", "filter", "filter_by",
        "having", "order_by", "group_by", "add_columns", "with_only_columns", "get",
        "find_one", "find_one_or_raise",
    }
)  # fmt: skip
# Raw SQL: a SELECT that reads from or joins the table `lead` (not `lead_change`).
RAW_SQL = re.compile(r"\bselect\b.*\b(from|join)\s+[\"'`]?lead\b", re.IGNORECASE | re.DOTALL)


class LeadSelects(ast.NodeVisitor):
    """The places in one module's source that select from the lead table."""

    def __init__(self, tree: ast.Module) -> None:
        self.models: set[str] = set()  # names of the models module
        self.leads: set[str] = set()  # names of the Lead model (or its table)
        self.found: list[ast.AST] = []
        self._names_of_lead(tree)

    def _names_of_lead(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == MODELS:
                self.leads |= {a.asname or a.name for a in node.names if a.name == "Lead"}
            elif isinstance(node, ast.ImportFrom) and node.module == "app.domain":
                self.models |= {a.asname or a.name for a in node.names if a.name == "models"}
            elif isinstance(node, ast.Import):
                self.models |= {a.asname for a in node.names if a.name == MODELS and a.asname}
        # A name given the model, its table or an alias of it stands for the model too.
        assignments = [node for node in ast.walk(tree) if isinstance(node, ast.Assign)]
        for _ in range(3):
            for node in assignments:
                if self.is_lead(node.value):
                    self.leads |= {t.id for t in node.targets if isinstance(t, ast.Name)}

    def is_lead(self, node: ast.AST) -> bool:
        """Whether `node` is the Lead model: `Lead`, `models.Lead`, `Lead.__table__` or
        `aliased(Lead, ...)`."""
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            node = node.value
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "aliased" and node.args:
            node = node.args[0]
        if isinstance(node, ast.Name):
            return node.id in self.leads
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "Lead"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.models
        )

    def mentions_lead(self, node: ast.AST) -> bool:
        return any(self.is_lead(part) for part in ast.walk(node))

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if name in QUERY_CALLS and any(self.mentions_lead(a) for a in arguments):
            self.found.append(node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and RAW_SQL.search(node.value):
            self.found.append(node)


def docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    definitions = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    owners = [tree, *(node for node in ast.walk(tree) if isinstance(node, definitions))]
    return {
        id(owner.body[0].value)
        for owner in owners
        if owner.body
        and isinstance(owner.body[0], ast.Expr)
        and isinstance(owner.body[0].value, ast.Constant)
    }


def lead_selects(source: str, path: str) -> list[str]:
    """Where the module at `path` (relative to the repository) selects from the lead table,
    as `path:line: code`; none for the modules that may."""
    if path in ALLOWED or path.startswith(ALLOWED_UNDER):
        return []
    tree = ast.parse(source, path)
    finder = LeadSelects(tree)
    finder.visit(tree)
    skipped = docstrings(tree)
    by_line: dict[int, str] = {}  # the innermost query of each line (`select(Lead)`)
    for node in finder.found:
        line, code = getattr(node, "lineno", 0), ast.unparse(node)
        if id(node) in skipped:
            continue
        if line not in by_line or len(code) < len(by_line[line]):
            by_line[line] = code
    return [f"{path}:{line}: {code}" for line, code in sorted(by_line.items())]


def test_only_the_read_and_write_paths_select_from_the_lead_table(
    repository_root: Path,
) -> None:
    modules = sorted((repository_root / "app").rglob("*.py"))
    assert len(modules) > 30

    found = [
        selected
        for module in modules
        for selected in lead_selects(
            module.read_text(encoding="utf-8"), module.relative_to(repository_root).as_posix()
        )
    ]

    assert found == [], "Read leads through app/domain/leads/queries.py:\n" + "\n".join(found)


def test_the_read_and_write_paths_do_select_from_the_lead_table(repository_root: Path) -> None:
    # The checker sees what these modules do, once they are not exempt.
    for path in ("app/domain/leads/queries.py", "app/domain/leads/writes.py"):
        source = (repository_root / path).read_text(encoding="utf-8")
        assert lead_selects(source, "app/elsewhere.py"), path


BAD = '''
"""Reads leads behind the read path's back (a docstring may say SELECT id FROM lead)."""
from sqlalchemy import select
from app.domain import models
from app.domain.models import Lead


async def peek(session, lead_id):
    everything = await session.scalars(select(Lead))
    return everything, await session.get(models.Lead, lead_id)
'''


def test_the_checker_finds_selects_from_the_lead_table() -> None:
    assert lead_selects(BAD, "app/graphql/contacts.py") == [
        "app/graphql/contacts.py:9: select(Lead)",
        "app/graphql/contacts.py:10: session.get(models.Lead, lead_id)",
    ]
    assert lead_selects(BAD, "app/domain/leads/queries.py") == []
    assert lead_selects(BAD, "app/migrations/versions/0004_x.py") == []


IMPORTS = (
    "from sqlalchemy import exists, func, select, text\n"
    "from sqlmodel import col\n"
    "from app.domain import models\n"
    "from app.domain.models import Contact, Lead, LeadChange\n"
    "from app.domain.models import Lead as LeadRow\n"
    "import app.domain.models as m\n"
)


@pytest.mark.parametrize(
    "code",
    [
        "select(models.Lead)",
        "select(m.Lead).where(m.Lead.number == 1)",
        "select(LeadRow)",
        "select(col(Lead.number))",
        "select(func.count()).select_from(Lead)",
        "select(Contact).join(Lead, col(Lead.contact_id) == col(Contact.id))",
        "select(Contact).outerjoin(models.Lead)",
        "select(Contact).where(exists().where(col(Lead.contact_id) == col(Contact.id)))",
        "session.get(Lead, lead_id)",
        "find_one(session, Lead, ref, ('lead',), 'lead', problems)",
        "find_one_or_raise(session, Lead, ref, ('lead',), 'lead')",
        "table = Lead.__table__\nselect(table)",
        "ranked = aliased(m.Lead, subquery)\nselect(ranked)",
        "text('SELECT id FROM lead WHERE number = 1')",
        "text('SELECT * FROM contact JOIN \"lead\" ON lead.contact_id = contact.id')",
    ],
)
def test_the_checker_finds_each_way_of_selecting_from_the_lead_table(code: str) -> None:
    assert lead_selects(IMPORTS + code, "app/graphql/loaders.py") != []


@pytest.mark.parametrize(
    "code",
    [
        "lead = Lead(number=1)\nselect(Contact).where(col(Contact.id) == lead.contact_id)",
        "select(LeadChange).where(col(LeadChange.lead_id) == lead_id)",
        "def show(row: models.Lead) -> Lead: return Lead.of(row)",
        "text('SELECT * FROM lead_change JOIN lead_user ON 1 = 1')",
        "message = 'Lead 40 moved from Lead status Reach'",
        "from app.graphql.leads.types import Lead as Shown\nselect(Contact)",
    ],
)
def test_the_checker_lets_other_queries_be(code: str) -> None:
    assert lead_selects(IMPORTS + code, "app/graphql/loaders.py") == []
