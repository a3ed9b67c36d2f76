"""Builders generated from plans: for each object plan, once, the Python source of a function
that builds the object's response from its source object, step by step, with each step's
attribute, key, nullability and coercion written in. It does what `building._object` does
for a plan without delegated fields, without looking any of that up per value.
"""

from collections.abc import Callable
from typing import Any

from graphql import Undefined

from app.graphql.planned.plans import ObjectPlan, Step

# A generated builder: the source object and the run to the object's response.
Builder = Callable[[Any, Any], dict[str, Any]]


class Generator:
    """Writes the builder of one object plan; `helpers` are the functions its code calls
    (the completion of lists and unions, of lists of leaves, and the error that gives up)."""

    def __init__(self, plan: ObjectPlan, helpers: dict[str, Any]) -> None:
        self.plan = plan
        self.names: dict[str, Any] = {**helpers, "Undefined": Undefined}
        self.lines = ["def build(source, run):", "    out = {}"]

    def builder(self) -> Builder:
        """The compiled function."""
        for index, step in enumerate(self.plan.steps):
            self._step(index, step)
        self.lines.append("    return out")
        source = "\n".join(self.lines)
        code = compile(source, f"<plan of {self.plan.object_type.name}>", "exec")
        exec(code, self.names)
        built: Builder = self.names["build"]
        return built

    def _name(self, prefix: str, index: int, value: Any) -> str:
        name = f"{prefix}{index}"
        self.names[name] = value
        return name

    def _emit(self, *lines: str) -> None:
        self.lines.extend(f"    {line}" for line in lines)

    def _step(self, index: int, step: Step) -> None:
        key = repr(step.key)
        if step.delegated is not None:
            raise ValueError("a plan that delegates tracks positions; it has no builder")
        if step.attribute is not None:
            self._emit(f"value = source.{step.attribute}")
        else:
            reader = self._name("read", index, step.read)
            self._emit(
                "try:",
                f"    value = {reader}(source, run)",
                "except Unplannable:",
                "    raise",
                "except Exception as error:",
                "    raise Unplannable from error",
            )
        absent = "raise Unplannable" if step.shape.non_null else f"out[{key}] = None"
        self._emit("if value is None:", f"    {absent}", "else:")
        for line in self._present(index, step, key):
            self._emit(f"    {line}")

    def _present(self, index: int, step: Step, key: str) -> list[str]:
        """The lines that complete a value that is not None."""
        shape = self._name("shape", index, step.shape)
        if step.coerce is not None:
            coerce = self._name("coerce", index, step.coerce)
            if step.shape.items_non_null:
                return [f"out[{key}] = leaves(value, {coerce}, {shape}, 0)"]
            kind = step.unchanged
            checked = [
                f"coerced = {coerce}(value)",
                "if coerced is None or coerced is Undefined:",
                "    raise Unplannable",
                f"out[{key}] = coerced",
            ]
            if kind is None:
                return checked
            self.names[kind.__name__] = kind
            return [
                f"if value.__class__ is {kind.__name__}:",
                f"    out[{key}] = value",
                "else:",
                *(f"    {line}" for line in checked),
            ]
        plan = step.plan
        if isinstance(plan, ObjectPlan) and not step.shape.items_non_null:
            child = self._name("child", index, builder_of(plan, self.names["helpers"]))
            return [f"out[{key}] = {child}(value, run)"]
        nested = self._name("plan", index, plan)
        return [f"out[{key}] = complete(run, {nested}, {shape}, 0, value, None, None)"]


def builder_of(plan: ObjectPlan, helpers: dict[str, Any]) -> Builder:
    """The generated builder of `plan`, made on first use."""
    if plan.builder is None:
        plan.builder = Generator(plan, {**helpers, "helpers": helpers}).builder()
    return plan.builder
