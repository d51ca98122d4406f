"""docs/reference/cli.md: every command and flag, from the argparse parser itself."""

from __future__ import annotations

import argparse

from .text import cell, prose

HEADER = """# Command line reference

Written by `ai-monitoring-as-code docs` from the argument parser; do not edit. The command is installed as
`ai-monitoring-as-code`, with the short alias `aimac`; `python -m generator` is the same program. Global options
come before the command: `ai-monitoring-as-code --root ../my-service lint`.
"""


def subcommands(parser: argparse.ArgumentParser) -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """Command name -> (its one-line help, its parser), in the order ``--help`` lists them."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help or "" for c in action._choices_actions}
    return {name: (helps.get(name, ""), p) for name, p in action.choices.items()}


def flags(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions
            if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]


def _names(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`" + (" ..." if action.nargs in ("*", "+") else "")
    takes = action.nargs != 0 and not isinstance(action, argparse._VersionAction)
    value = ""
    if takes:
        value = " " + (action.metavar or ("{" + ",".join(map(str, action.choices)) + "}" if action.choices
                                          else action.dest.upper()))
    return ", ".join(f"`{o}{value}`" for o in action.option_strings)


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {"default": action.default, "prog": "ai-monitoring-as-code", "choices": action.choices}
    if action.choices and action.option_strings and "{" not in _names(action):
        text += f" (one of: {', '.join(map(str, action.choices))})"
    if action.option_strings and action.default not in (None, False, [], "", argparse.SUPPRESS) \
            and "default" not in text and not isinstance(action, argparse._VersionAction):
        text += f" (default: `{action.default}`)"
    return cell(prose(text))


def _usage(parser: argparse.ArgumentParser) -> str:
    """The usage line at a fixed width (argparse's own follows the terminal's), so that the page is reproducible."""
    formatter = argparse.HelpFormatter(parser.prog, width=100)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().replace("usage: ", "").strip()


def page(parser: argparse.ArgumentParser) -> str:
    out = [HEADER, "## Global options", "", "| option | meaning |", "| --- | --- |"]
    out += [f"| {_names(a)} | {_help(a)} |" for a in flags(parser)]
    commands = subcommands(parser)
    out += ["", "## Commands", "", "| command | what it does |", "| --- | --- |"]
    out += [f"| [`{name}`](#{name}) | {cell(prose(summary))} |" for name, (summary, _) in commands.items()]
    for name, (summary, sub) in commands.items():
        out += ["", f"## {name}", "", prose(sub.description or summary), "", "```text",
                _usage(sub), "```"]
        actions = flags(sub)
        nested = next((a for a in sub._actions if isinstance(a, argparse._SubParsersAction)), None)
        if actions:
            out += ["", "| argument | meaning |", "| --- | --- |"]
            out += [f"| {_names(a)} | {_help(a)} |" for a in actions]
        if nested is not None:
            for child, (child_help, child_parser) in subcommands(sub).items():
                out += ["", f"### {name} {child}", "", prose(child_parser.description or child_help)]
                child_actions = flags(child_parser)
                if child_actions:
                    out += ["", "| argument | meaning |", "| --- | --- |"]
                    out += [f"| {_names(a)} | {_help(a)} |" for a in child_actions]
    return "\n".join(out) + "\n"


def every_flag(parser: argparse.ArgumentParser) -> set[str]:
    """``command --flag`` for every flag of every command (and the global ones): what the docs must name."""
    found = {o for a in flags(parser) for o in a.option_strings}
    for name, (_, sub) in subcommands(parser).items():
        found.add(name)
        found |= {f"{name} {o}" for a in flags(sub) for o in a.option_strings}
        if any(isinstance(a, argparse._SubParsersAction) for a in sub._actions):
            for child, (_, child_parser) in subcommands(sub).items():
                found.add(f"{name} {child}")
                found |= {f"{name} {child} {o}" for a in flags(child_parser) for o in a.option_strings}
    return found
