"""Names of the optimizers as the legends show them: a scenario's label while it is still true, else the
optimizer's display name and its current learning rate.

A preset's label such as "Gradient descent (lr 0.01)" describes the values the file sets; after the user
edits a hyperparameter it would lie, so it gives way to the generated name with the new value.
"""

from __future__ import annotations

from landscape_gui.core.optimizers.catalog import get_optimizer


def generated_label(optimizer_id: str, hp: dict) -> str:
    """``"Adam (lr 0.05)"``: the display name and the current learning rate (when it has one)."""
    name = get_optimizer(optimizer_id).name
    return f"{name} (lr {hp['lr']:.3g})" if "lr" in hp else name


def optimizer_labels(optimizers, base=None) -> list[str]:
    """One legend label per ``(id, hp)`` of the controller: ``base`` (the scenario last opened or saved)
    gives its label to the optimizer at the same place while the id and every hyperparameter still match."""
    base_opts = list(getattr(base, "optimizers", ()) or ())
    out = []
    for i, (oid, hp) in enumerate(optimizers):
        label = ""
        if i < len(base_opts) and base_opts[i].id == oid and base_opts[i].label:
            try:
                declared = get_optimizer(oid).resolve(dict(base_opts[i].params))
            except (KeyError, ValueError):
                declared = None
            if declared == dict(hp):
                label = base_opts[i].label
        out.append(label or generated_label(oid, dict(hp)))
    return out
