#!/usr/bin/env bash
# usage: mkiso.sh KERNEL_ELF OUTPUT_ISO [CMDLINE...]
# Builds a BIOS-bootable GRUB ISO that boots KERNEL_ELF by multiboot2 with
# the given kernel command line. Used by `make iso` and by the system tests
# (each distinct command line gets its own ISO).
# The user programs come from $CARTA_USER_DIR (default: build/user in the
# repository): every NAME.elf there goes on the ISO as /boot/user/NAME.elf
# and every file in its bad/ as /boot/user/bad/NAME, each loaded by GRUB as
# a multiboot2 module whose string is NAME.
set -eu
elf=$1; out=$2; shift 2
cmdline="$*"
case "$cmdline" in *[\"\'\;\\\$\`]*)
	echo "mkiso: command line may not contain quotes, ';', '\\', '\$' or '\`': $cmdline" >&2
	exit 2;;
esac
here=$(cd "$(dirname "$0")/.." && pwd)
userdir=${CARTA_USER_DIR:-$here/build/user}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root                  # what goes on the ISO (the log stays outside)
mkdir -p "$root/boot/grub"
cp "$elf" "$root/boot/carta.elf"

# One module per user program. The name is all the kernel sees, so it must
# be a plain word (it also goes unquoted into grub.cfg).
modules=""
add_module() {          # add_module FILE ISO_DIR NAME
	case "$3" in ''|*[!A-Za-z0-9_.-]*)
		echo "mkiso: module name '$3' ($1) is not [A-Za-z0-9_.-]+" >&2; exit 2;;
	esac
	mkdir -p "$root$2"
	cp "$1" "$root$2/${1##*/}"
	modules+=$'\t'"module2 $2/${1##*/} $3"$'\n'
}
[ -d "$userdir" ] || echo "mkiso: no $userdir: the ISO has no user programs (make user)" >&2
export LC_ALL=C         # glob order: byte order, the same on every machine
shopt -s nullglob
for f in "$userdir"/*.elf; do add_module "$f" /boot/user "$(basename "$f" .elf)"; done
for f in "$userdir"/bad/*; do add_module "$f" /boot/user/bad "${f##*/}"; done
# bash substitution, not sed: '&', '|' or '/' in the command line stay literal
shopt -u patsub_replacement 2>/dev/null || true
template=$(cat "$here/iso/grub.cfg.in")
template=${template//@CMDLINE@/$cmdline}
nl=$'\n'               # @MODULES@ has a line of its own; $modules ends its lines
printf '%s\n' "${template//@MODULES@$nl/$modules}" > "$root/boot/grub/grub.cfg"
# GRUB's tool and its BIOS (i386-pc) files go by other names on Fedora
# (grub2-) and Homebrew (x86_64-elf-).
mkrescue=$(command -v grub-mkrescue || command -v grub2-mkrescue || command -v x86_64-elf-grub-mkrescue) ||
	{ echo "mkiso: no grub-mkrescue; run scripts/deps.sh" >&2; exit 1; }
for d in /usr/lib/grub/i386-pc /usr/lib/grub2/i386-pc /usr/share/grub2/i386-pc \
         /opt/homebrew/lib/x86_64-elf/grub/i386-pc /usr/local/lib/x86_64-elf/grub/i386-pc; do
	[ -f "$d/boot.img" ] && platform=$d && break
done
[ -n "${platform:-}" ] || { echo "mkiso: no GRUB i386-pc files (grub-pc-bin); run scripts/deps.sh" >&2; exit 1; }
# Only the BIOS platform: one El Torito image, smallest and fastest to boot.
# Written under a private name and renamed: concurrent builders never clash.
"$mkrescue" -d "$platform" -o "$tmp/out.iso" "$root" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; exit 1; }
mv "$tmp/out.iso" "$out"
