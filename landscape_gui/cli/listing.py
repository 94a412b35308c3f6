"""``functions``, ``optimizers``, ``schedules`` and ``presets``: what the app knows, listed."""

from __future__ import annotations

import json
from typing import Any

from landscape_gui.cli.common import NOISE_MODEL, hyperparameter_json


def cmd_functions(args) -> int:
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape

    rows = []
    for lid in LANDSCAPE_IDS:
        L = get_landscape(lid)
        row: dict[str, Any] = {
            "id": lid,
            "name": L.name,
            "dim": L.dim,
            "formula": L.formula,
            "domain": [list(b) for b in L.domain],
            "description": L.description,
            "source": L.source,
        }
        describe_json = getattr(L, "describe_json", None)  # a landscape made of data says what data
        row.update(describe_json() if describe_json else {"kind": "formula"})
        rows.append(row)
    if args.format == "json":
        print(json.dumps({"functions": rows}, indent=2, ensure_ascii=False))
    else:
        width = max(len(r["id"]) for r in rows)
        for r in rows:
            dom = " × ".join(f"[{lo:g}, {hi:g}]" for lo, hi in r["domain"])
            print(f"{r['id']:<{width}}  {r['dim']}-D  {r['description']}")
            print(f"{'':<{width}}       {r['formula']}   on {dom}")
            if r["kind"] == "data":
                n = len(r["data"]["y"])
                print(f"{'':<{width}}       model {r['model']}; {n} samples, {r['n_parameters']} parameters")
            print(f"{'':<{width}}       source: {r['source']}")
    return 0


def cmd_optimizers(args) -> int:
    from landscape_gui.core.optimizers.catalog import OPTIMIZERS

    if args.format == "json":
        data = [
            {
                "id": o.id,
                "name": o.name,
                "summary": o.summary,
                "hyperparameters": [hyperparameter_json(h) for h in o.hyperparameters],
                "state": [
                    {"name": b.name, "symbol": b.symbol, "meaning": b.meaning, "update": b.line()}
                    for b in o.buffers
                ],
            }
            for o in OPTIMIZERS.values()
        ]
        print(json.dumps({"optimizers": data}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(i) for i in OPTIMIZERS)
    for o in OPTIMIZERS.values():
        print(f"{o.id:<{width}}  {o.name}: {o.summary}")
        for h in o.hyperparameters:
            print(f"{'':<{width}}    {h.name}={h.default:g}  [{h.low:g} … {h.high:g}]  {h.help}")
        for b in o.buffers:
            print(f"{'':<{width}}    state {b.name}: {b.meaning};  {b.line()}")
    print()
    print(NOISE_MODEL)
    return 0


def cmd_schedules(args) -> int:
    from landscape_gui.core.optimizers.schedules import SCHEDULES

    if args.format == "json":
        data = [
            {
                "id": k.id,
                "name": k.name,
                "torch": k.torch_name,
                "summary": k.summary,
                "parameters": [hyperparameter_json(h) for h in k.parameters],
            }
            for k in SCHEDULES.values()
        ]
        print(json.dumps({"schedules": data}, indent=2, ensure_ascii=False))
        return 0
    width = max(len(i) for i in SCHEDULES)
    for k in SCHEDULES.values():
        print(f"{k.id:<{width}}  {k.name} ({k.torch_name}): {k.summary}")
        for h in k.parameters:
            print(f"{'':<{width}}    {h.name}={h.default:g}  [{h.low:g} … {h.high:g}]  {h.help}")
    return 0


def cmd_presets(args) -> int:
    from landscape_gui.core.scenario.presets import list_presets

    for pid, title in list_presets():
        print(f"{pid}\t{title}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("functions", help="list the built-in landscapes: formula, domain and source")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_functions)

    p = sub.add_parser("optimizers", help="list the optimizers, their hyperparameters and state buffers")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_optimizers)

    p = sub.add_parser("schedules", help="list the learning-rate schedules and their parameters")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_schedules)

    p = sub.add_parser("presets", help="list the lecture presets (id, then title)")
    p.set_defaults(func=cmd_presets)
