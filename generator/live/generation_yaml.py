"""The ``generation:`` section of a traffic file: how answers stream and what the prompt cache serves.

    generation:
      first_token: 0.25      # the first token after this share of a request's median duration
      output_token: 0.02     # seconds per output token after the first (median, times the latency multipliers)
      queue: 0.03            # seconds in a model server's queue (median, times the latency multipliers)
      cached: {kind: input, share: 0.4, discount: 0.9}   # of the input tokens, from the prompt cache, 90% cheaper
      finish: {label: finish_reason, ok: stop, cut: length, share: 0.02}  # 2% cut at the output-token limit
      streamed: {operation: [chat, completion]}   # only these requests stream (first and output tokens); all if absent

Checked against the catalog like the rest of the file: the token kind is a value of the tokens label, the finish
label and its values are catalog labels and values. A scenario's ``first_token: 6`` makes the first token six
times slower without changing how long requests take (the rest of the answer streams faster).
"""

from __future__ import annotations

from yaml.nodes import Node

from .traffic import Generation


def read_generation(reader, node: Node | None) -> Generation:
    """The section (``reader``: the traffic file's reader, which knows the catalog and the tokens label)."""
    if node is None:
        return Generation()
    fields = {}
    for name, _, v in reader.mapping(node, "generation", ("first_token", "output_token", "queue", "cached", "finish",
                                                          "streamed")):
        if name == "streamed":
            fields["streamed"] = reader.label_values(v, "generation.streamed", many=True)
        elif name in ("first_token", "output_token", "queue"):
            n = reader.number(v, f"generation.{name}", positive=True, at_most=1.0 if name == "first_token" else None)
            if n is not None:
                fields[name] = n
        elif name == "cached":
            spec = {k: (kn, sv) for k, kn, sv in reader.mapping(v, "generation.cached", ("kind", "share", "discount"))}
            if "kind" not in spec:
                reader.error(v, "generation.cached", "needs `kind` (the token kind the cache serves, e.g. input)")
            elif (kind := reader.string(spec["kind"][1], "generation.cached.kind")) is not None:
                if not reader.token_label:
                    reader.error(spec["kind"][1], "generation.cached.kind", "token kinds need `tokens: label:` first")
                elif reader.value(reader.token_label, kind, spec["kind"][1], "generation.cached.kind"):
                    fields["cached_kind"] = kind
            for key, attr in (("share", "cached"), ("discount", "discount")):
                if key in spec and (n := reader.number(spec[key][1], f"generation.cached.{key}", at_most=1.0)) \
                        is not None:
                    fields[attr] = n
        else:
            spec = {k: (kn, sv) for k, kn, sv in reader.mapping(v, "generation.finish",
                                                               ("label", "ok", "cut", "share"))}
            label = reader.string(spec["label"][1], "generation.finish.label") if "label" in spec else None
            if label is None or not reader.label(label, spec["label"][1], "generation.finish.label"):
                if "label" not in spec:
                    reader.error(v, "generation.finish", "needs `label` (the finish reason's label)")
                continue
            fields["finish_label"] = label
            for key in ("ok", "cut"):
                if key not in spec:
                    reader.error(v, "generation.finish", f"needs `{key}` (a value of {label})")
                elif (value := reader.string(spec[key][1], f"generation.finish.{key}")) \
                        and reader.value(label, value, spec[key][1], f"generation.finish.{key}"):
                    fields[f"finish_{key}"] = value
            if "share" in spec and (n := reader.number(spec["share"][1], "generation.finish.share",
                                                       at_most=1.0)) is not None:
                fields["truncated"] = n
    return Generation(**fields)
