"""carta-help: the toolkit's commands and functions, one line each (the
first line of each docstring)."""
import gdb

from carta import utils

COMMANDS = ["lx-dmesg", "lx-ps", "lx-iomem", "lx-ioports", "lx-vmallocinfo", "lx-slabinfo",
            "lx-buddyinfo", "lx-ptdump", "translate-vm", "lx-fixmap", "lx-earlyioremap",
            "lx-checkpgd", "lx-pgdlist", "lx-vmas", "lx-symbols"]
FUNCTIONS = ["lx_current", "current", "pa", "va", "pfn_to_page", "page_to_pfn",
             "virt_to_page", "page_address"]


def first_line(text):
    return text.strip().splitlines()[0] if text else ""


class CartaHelp(gdb.Command):
    """carta-help: list Carta's gdb commands and convenience functions."""

    def __init__(self):
        super().__init__("carta-help", gdb.COMMAND_SUPPORT)

    @utils.readable_errors
    def invoke(self, arg, from_tty):
        gdb.write("Carta gdb commands (help CMD for more):\n")
        for c in COMMANDS:
            text = gdb.execute(f"help {c}", to_string=True)
            gdb.write("  " + first_line(text) + "\n")
        gdb.write("Convenience functions (help function NAME):\n")
        for f in FUNCTIONS:
            text = first_line(gdb.execute(f"help function {f}", to_string=True))
            if not text.startswith(f"${f}("):
                text = f"${f}(): the same as " + text.split(":")[0]
            gdb.write("  " + text + "\n")


CartaHelp()
