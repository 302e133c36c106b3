"""`--help` and usage errors in Chinese, under a Chinese locale or `--lang zh`.

The help texts of commands and options are written in English where they
are declared (`cli/app.py`); their Chinese lives in `locale/cli/zh.yaml`,
keyed `help.<command>.<parameter>` (`help.<command>.text` for the command
itself, `help.ebcheck` for the program). The app's command group
(`LocalizedGroup`) checks at the start of each run whether Chinese is wanted;
if so it walks the Click tree Typer built for that run and replaces every
help text, and the help screen's words (Usage, Options, …) for the run. A
command or option added later without a Chinese entry keeps its English, and
`tests/test_helptext.py` fails until it gets one.

Click writes its usage errors in English ("Invalid value for '--format'");
under Chinese they are caught and said again from the catalogue, the value
and the choices kept, and the exit code (2) unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

try:  # the Click that Typer vendors (0.2x) and builds its commands on
    from typer._click import core, exceptions, formatting
except ImportError:  # pragma: no cover - a Typer that still uses Click itself
    from click import core, exceptions, formatting  # type: ignore[no-redef,import-not-found,unused-ignore]

from ebcheck.i18n import LANGUAGES, Catalogue, language_from_environment, set_session_language

HELP_OPTION = "help"
"""The name of the `-h/--help` option Click adds to every command."""


def wanted(args: Sequence[str]) -> bool:
    """Chinese asked for: `--lang zh` on the command line, else the config's `lang: zh`,
    else a Chinese locale."""
    return chosen_language(args) == "zh"


def chosen_language(args: Sequence[str]) -> str:
    """The language of a run: a valid `--lang` anywhere on the command line (before
    the command or after it), else the config file's `lang`, else the locale's. An
    invalid `--lang fr` is skipped, so the error saying so is in the user's language."""
    asked = asked_on_command_line(args)
    if asked is not None:
        return asked
    return _config_language(args) or language_from_environment()


def asked_on_command_line(args: Sequence[str]) -> str | None:
    for value in _option_values(args, "--lang"):
        if value.lower() in LANGUAGES:
            return value.lower()
    return None


def _option_values(args: Sequence[str], option: str) -> Iterator[str]:
    for index, arg in enumerate(args):
        if arg == "--":
            return
        if arg == option and index + 1 < len(args):
            yield args[index + 1]
        elif arg.startswith(option + "="):
            yield arg.split("=", 1)[1]


def _config_language(args: Sequence[str]) -> str | None:
    """The `lang` of the config file the command would read; None when there is none,
    it sets none, or it cannot be read (the command itself then says why)."""
    # Only `lang` is read here, not the whole config: this runs before every
    # command, `--version` included, and the command reads the config itself.
    from ebcheck.discovery import discover
    from ebcheck.errors import EbcheckError

    if "--no-config" in args:
        return None
    named = next(_option_values(args, "--config"), None)
    try:
        path = Path(named) if named else discover(Path.cwd())
    except EbcheckError:
        return None
    if path is None or not path.is_file():
        return None
    from ebcheck.deal.problems import ReadFailure
    from ebcheck.deal.source import plain, read_limited, read_yaml

    try:
        tree, _, _ = read_yaml(read_limited(path))
    except (OSError, ReadFailure):
        return None
    lang = plain(tree).get("lang") if isinstance(tree, dict) else None
    return lang.lower() if isinstance(lang, str) and lang.lower() in LANGUAGES else None


def help_key(path: Sequence[str], param: str | None = None) -> str:
    """The catalogue key of a command's help (`param` None) or of one of its options."""
    base = "help." + (".".join(path) if path else "ebcheck")
    return f"{base}.{param or 'text'}"


def commands(
    command: core.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], core.Command]]:
    """Every command of the tree with its path of names (the program's is empty)."""
    yield path, command
    subcommands: dict[str, core.Command] = getattr(command, "commands", {})
    for name, sub in subcommands.items():
        yield from commands(sub, (*path, name))


def translate(root: core.Command, words: Catalogue) -> None:
    """Replace the help texts of the whole tree with `words`' where it has them."""
    for path, command in commands(root):
        text = words.get(help_key(path))
        if text is not None:
            command.help, command.short_help = text, None
        for param in command.params:
            said = words.get(help_key(path, param.name or ""))
            if said is not None and hasattr(param, "help"):
                param.help = said
        _translate_help_option(command, words.get(help_key(path, HELP_OPTION)))
        command.context_class = _context_class(words.text("help.ui.usage"))


CHOICES = "One of: {choices}."
"""The English of `help.ui.choices`: the values of an option, said in its help."""


def plain_types(root: core.Command, words: Catalogue | None = None) -> None:
    """The help screens' type column in words a user knows: nothing for a flag or an
    argument (its name says it), a name in capitals for a value (`LANG`, `FILE`),
    and an option's choices said in its help instead of a `<a|b|c>` that gets cut."""
    for _, command in commands(root):
        _untyped_help_option(command)
        for param in command.params:
            if param.param_type_name == "argument" or getattr(param, "is_flag", False):
                setattr(param, "display_type_rich", _no_type)  # noqa: B010 - an instance override
                continue
            choices = _choices(param)
            if param.metavar is None:
                longest = max(param.opts, key=len, default=param.name or "value")
                param.metavar = longest.lstrip("-").upper()
            if (
                choices
                and hasattr(param, "help")
                and not all(c in (param.help or "") for c in choices)
            ):
                listed = ", ".join(choices)
                said = words.get("help.ui.choices", choices=listed) if words else None
                param.help = f"{param.help or ''} {said or CHOICES.format(choices=listed)}".strip()


def _no_type(ctx: object) -> None:
    return None


def _untyped_help_option(command: core.Command) -> None:
    """`-h/--help` is made on first use: take its `<bool>` away when it is."""
    made: Callable[[core.Context], Any] = command.get_help_option

    def get_help_option(ctx: core.Context) -> Any:
        option = made(ctx)
        if option is not None:
            setattr(option, "display_type_rich", _no_type)  # noqa: B010
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010 - an instance override


def _choices(param: core.Parameter) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not getattr(desc, "is_choice", False):
        return []
    return [str(getattr(choice, "value", choice)) for choice in desc.choices or ()]


def _completion_said_in(root: core.Command, words: Catalogue) -> None:
    """`--install-completion` says where it installed, in `words`' language (Typer's
    own callback says it in English)."""

    def install(ctx: core.Context, param: core.Parameter, value: Any) -> Any:
        from typer._completion_shared import install as install_for

        if not value or ctx.resilient_parsing:
            return value
        shell, path = install_for(shell=value) if isinstance(value, str) else install_for()
        typer.secho(words.text("help.ui.completion_installed", shell=shell, path=path), fg="green")
        typer.echo(words.text("help.ui.completion_restart"))
        sys.exit(0)

    for param in root.params:
        if param.name == "install_completion":
            param.callback = install


def _translate_help_option(command: core.Command, text: str | None) -> None:
    """`-h/--help` is made on first use; give it its Chinese when it is."""
    if text is None:
        return
    made: Callable[[core.Context], Any] = command.get_help_option

    def get_help_option(ctx: core.Context) -> Any:
        option = made(ctx)
        if option is not None:
            option.help = text
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010 - an instance override


def _context_class(usage: str) -> type[core.Context]:
    class Formatter(formatting.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, usage if prefix is None else prefix)

    class Context(core.Context):
        formatter_class = Formatter

    return Context


_SCREEN = {
    "OPTIONS_PANEL_TITLE": "options",
    "ARGUMENTS_PANEL_TITLE": "arguments",
    "COMMANDS_PANEL_TITLE": "commands",
    "ERRORS_PANEL_TITLE": "error",
    "DEFAULT_STRING": "default",
    "REQUIRED_LONG_STRING": "required",
    "ENVVAR_STRING": "env_var",
}
"""Typer's help-screen words (module constants of `typer.rich_utils`) and their keys."""


@contextmanager
def _screen_words(words: Catalogue) -> Iterator[None]:
    """Typer's words of the help screen in `words`' language for one run, then back."""
    from typer import rich_utils

    saved = {name: getattr(rich_utils, name) for name in _SCREEN}
    for name, key in _SCREEN.items():
        # Templates with `{}` are Typer's own placeholders: set them unformatted.
        setattr(rich_utils, name, words.template(f"help.ui.{key}") or saved[name])
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(rich_utils, name, value)


def run(main: Callable[..., Any], args: Sequence[str], words: Catalogue, prog: str | None) -> int:
    """Run `main` (a translated tree's) without Click's own error printing; a usage
    error is said in Chinese. The exit code."""
    from ebcheck.reports.cjkwrap import cjk_line_breaks

    try:
        with cjk_line_breaks(), _screen_words(words):
            code = main(args=list(args), prog_name=prog, standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return exc.exit_code
    except exceptions.UsageError as exc:
        _say_usage_error(exc, words)
        return exc.exit_code
    except exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except typer.Abort:
        return 1
    return code if isinstance(code, int) else 0


class LocalizedGroup(TyperGroup):
    """The program's command group: in Chinese when `wanted`, as Typer made it otherwise.

    Typer builds the tree afresh for every run (the console script and
    `CliRunner` alike), so the translation never outlives the run it is for.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        extra["windows_expand_args"] = windows_expand_args
        chosen = chosen_language(argv)
        set_session_language(asked_on_command_line(argv), chosen)
        try:
            return self._main_in(chosen, argv, prog_name, complete_var, standalone_mode, extra)
        finally:
            set_session_language(None, None)

    def _main_in(
        self,
        chosen: str,
        argv: list[str],
        prog_name: str | None,
        complete_var: str | None,
        standalone_mode: bool,
        extra: dict[str, Any],
    ) -> Any:
        if chosen != "zh":
            plain_types(self)
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        words = chinese_words()
        translate(self, words)
        plain_types(self, words)
        _completion_said_in(self, words)

        def parent_main(**kwargs: Any) -> Any:
            return TyperGroup.main(self, complete_var=complete_var, **kwargs, **extra)

        code = run(parent_main, argv, words, prog_name)
        if standalone_mode:
            sys.exit(code)
        return code


def _say_usage_error(exc: exceptions.UsageError, words: Catalogue) -> None:
    from ebcheck.cli import diagnostics

    ctx = exc.ctx
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(words.text("help.ui.try_help", command=ctx.command_path, option="-h"), err=True)
    diagnostics.say("error", "usage_error", words.lang, message=usage_message(exc, words))


def usage_message(exc: exceptions.UsageError, words: Catalogue) -> str:
    """What Click said, in the catalogue's language."""
    if isinstance(exc, exceptions.NoSuchOption):
        if exc.possibilities:
            return words.text(
                "usage.no_such_option_hint",
                option=exc.option_name,
                possibilities=", ".join(sorted(exc.possibilities)),
            )
        return words.text("usage.no_such_option", option=exc.option_name)
    if isinstance(exc, exceptions.BadParameter) and not isinstance(
        exc, exceptions.MissingParameter
    ):
        said = re.match(r"Invalid value for (?P<param>.+?): ", exc.format_message())
        param = said["param"] if said else ""

        detail = _detail(exc.message, words)
        return words.text("usage.bad_value", param=param, detail=detail)
    english = exc.format_message()
    for pattern, key in _MESSAGES:
        match = pattern.fullmatch(english.strip())
        if match:
            facts = match.groupdict()
            if "kind" in facts:
                facts["kind"] = words.text(f"usage.kind_{facts['kind']}")
            return words.text(key, **facts)
    return words.text("usage.other", detail=english)


_MESSAGES = [
    (re.compile(r"Missing (?P<kind>argument|option|parameter) (?P<name>.+?)\.?"), "usage.missing"),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.+)\)"), "usage.extra_arguments"),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.+)\)"), "usage.extra_arguments"),
    (
        re.compile(r"No such command '(?P<name>[^']+)'\. Did you mean (?P<possibilities>.+)\?"),
        "usage.no_such_command_hint",
    ),
    (re.compile(r"No such command '(?P<name>[^']+)'\."), "usage.no_such_command"),
    (re.compile(r"Option '(?P<option>.+)' requires an argument\."), "usage.needs_value"),
]


def _detail(message: str, words: Catalogue) -> str:
    """The reason a value was refused, in the catalogue's language where it is known."""
    choice = re.search(r"'(?P<value>[^']*)' is not one of (?P<choices>.+?)\.?$", message)
    if choice:
        choices = choice["choices"].replace("'", "")
        return words.text("usage.bad_choice", value=choice["value"], choices=choices)
    if "valid integer" in message:
        return words.text("usage.not_integer")
    at_least = re.search(r"greater than or equal to (?P<limit>-?\d+)", message)
    if at_least:
        return words.text("usage.at_least", limit=at_least["limit"])
    return message


CLI_WORDS = Path(__file__).resolve().parent.parent / "locale" / "cli"
"""The Chinese of the command line's own words; their English is Click's and `app.py`'s."""


def chinese_words() -> Catalogue:
    """The engine's Chinese with the command line's help texts and usage errors."""
    return Catalogue("zh", folders=[CLI_WORDS])
