#!/usr/bin/env bash
# usage: mkiso.sh KERNEL_ELF OUTPUT_ISO [CMDLINE...]
# Builds a GRUB ISO that boots KERNEL_ELF by multiboot2 with the given
# kernel command line, under BIOS and, when GRUB's x86_64-efi files are
# installed (grub-efi-amd64-bin), under UEFI too: one hybrid ISO
# (docs/uefi.md). Used by `make iso` and by the system tests
# (each distinct command line and initramfs gets its own ISO).
# The initramfs comes from $CARTA_INITRAMFS (default: build/initramfs.cpio
# in the repository) and goes on the ISO as /boot/initramfs.cpio, which
# GRUB loads as the one multiboot2 module (iso/grub.cfg.in).
set -eu
elf=$1; out=$2; shift 2
cmdline="$*"
case "$cmdline" in *[\"\'\;\\\$\`]*)
	echo "mkiso: command line may not contain quotes, ';', '\\', '\$' or '\`': $cmdline" >&2
	exit 2;;
esac
here=$(cd "$(dirname "$0")/.." && pwd)
initramfs=${CARTA_INITRAMFS:-$here/build/initramfs.cpio}
[ -f "$initramfs" ] || { echo "mkiso: no $initramfs (make user)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root                  # what goes on the ISO (the log stays outside)
mkdir -p "$root/boot/grub"
cp "$elf" "$root/boot/carta.elf"
cp "$initramfs" "$root/boot/initramfs.cpio"
# bash substitution, not sed: '&', '|' or '/' in the command line stay literal
shopt -u patsub_replacement 2>/dev/null || true
template=$(cat "$here/iso/grub.cfg.in")
printf '%s\n' "${template//@CMDLINE@/$cmdline}" > "$root/boot/grub/grub.cfg"
# GRUB's tool and its BIOS (i386-pc) files go by other names on Fedora
# (grub2-) and Homebrew (x86_64-elf-).
mkrescue=$(command -v grub-mkrescue || command -v grub2-mkrescue || command -v x86_64-elf-grub-mkrescue) ||
	{ echo "mkiso: no grub-mkrescue; run scripts/deps.sh" >&2; exit 1; }
for d in /usr/lib/grub/i386-pc /usr/lib/grub2/i386-pc /usr/share/grub2/i386-pc \
         /opt/homebrew/lib/x86_64-elf/grub/i386-pc /usr/local/lib/x86_64-elf/grub/i386-pc; do
	[ -f "$d/boot.img" ] && platform=$d && break
done
[ -n "${platform:-}" ] || { echo "mkiso: no GRUB i386-pc files (grub-pc-bin); run scripts/deps.sh" >&2; exit 1; }
# grub-mkrescue's -d names one platform only (given twice, the last wins).
# Without -d it takes every platform installed beside its own modules:
# with i386-pc and x86_64-efi both there (scripts/deps.sh installs both),
# that is two El Torito images, BIOS's eltorito.img and UEFI's efi.img (a
# FAT image holding EFI/BOOT/BOOTX64.EFI, the path UEFI boots removable
# media by, UEFI 2.x 3.5.1.1). With no EFI files, the BIOS platform alone.
# Locales, themes and fonts are left out: GRUB shows no menu (timeout=0).
# Written under a private name and renamed: concurrent builders never clash.
efi=$(dirname "$platform")/x86_64-efi
if [ -f "$efi/kernel.img" ]; then
	platforms=()
else
	platforms=(-d "$platform")
fi
"$mkrescue" ${platforms[@]+"${platforms[@]}"} --locales= --themes= --fonts= -o "$tmp/out.iso" "$root" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log" >&2; exit 1; }
mv "$tmp/out.iso" "$out"
