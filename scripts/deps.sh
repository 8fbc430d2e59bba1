#!/usr/bin/env bash
# Check for (and on Debian/Ubuntu install) everything Carta needs to build,
# boot and test. Elsewhere, print the exact packages and exit non-zero.
set -u

# tool -> Debian package (elsewhere the names differ: see the end, and
# scripts/mkiso.sh, which also accepts grub2-mkrescue and Homebrew's
# x86_64-elf-grub-mkrescue)
declare -A DEB=(
  [nasm]=nasm
  [grub-mkrescue]=grub-common
  [grub-file]=grub-common
  [xorriso]=xorriso
  [mformat]=mtools
  [qemu-system-x86_64]=qemu-system-x86
  [gdb]=gdb
  # Bochs (scripts/bochs.py: `make bochs`, the PCID tests). bochs depends on
  # "bochs-wx | bochs-gui": naming bochs-term, the smallest bochs-gui
  # (ncurses), keeps apt from pulling in wxWidgets and GTK. Carta runs it
  # headless through the rfb display, which is in bochs itself.
  [bochs]="bochs bochs-term"
  [python3]=python3
  [gcc]=gcc
  [make]=make
)
# grub-mkrescue needs the BIOS (i386-pc) platform files to make a bootable ISO,
# and GRUB's x86_64-efi files to make it boot under UEFI too (docs/uefi.md);
# `make run FIRMWARE=uefi` and tests/system/test_uefi.py need OVMF, QEMU's
# UEFI firmware. Bochs needs its BIOS and VGA BIOS, whose packages bochs
# accepts seabios in place of (installed with QEMU), so they are named here.
# Each: Debian package -> the file that shows it is there.
declare -A DEB_FILES=(
  [grub-pc-bin]="/usr/lib/grub/i386-pc/boot.img /usr/lib/grub2/i386-pc/boot.img /usr/share/grub2/i386-pc/boot.img
                 /opt/homebrew/lib/x86_64-elf/grub/i386-pc/boot.img /usr/local/lib/x86_64-elf/grub/i386-pc/boot.img"
  [grub-efi-amd64-bin]="/usr/lib/grub/x86_64-efi/kernel.img /usr/lib/grub2/x86_64-efi/kernel.img
                        /opt/homebrew/lib/x86_64-elf/grub/x86_64-efi/kernel.img /usr/local/lib/x86_64-elf/grub/x86_64-efi/kernel.img"
  [ovmf]="/usr/share/OVMF/OVMF_CODE.fd"
  [bochsbios]="/usr/share/bochs/BIOS-bochs-latest"
  [vgabios]="/usr/share/vgabios/vgabios.bin"
)

missing=()
for tool in "${!DEB[@]}"; do
  command -v "$tool" >/dev/null 2>&1 && continue
  case $tool in   # the other names GRUB's tools have on Fedora and Homebrew
    grub-mkrescue|grub-file)
      command -v "${tool/grub-/grub2-}" >/dev/null 2>&1 && continue
      command -v "x86_64-elf-$tool" >/dev/null 2>&1 && continue;;
  esac
  missing+=("$tool")
done
missing_pkgs=()
for pkg in "${!DEB_FILES[@]}"; do
  found=0
  for f in ${DEB_FILES[$pkg]}; do [ -f "$f" ] && found=1 && break; done
  [ $found -eq 1 ] || missing_pkgs+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_pkgs[@]} -eq 0 ]; then
  [ "${1:-}" = "-q" ] || echo "deps: all tools present"
  exit 0
fi

echo "deps: missing: ${missing[*]} ${missing_pkgs[*]}"

if command -v apt-get >/dev/null 2>&1; then
  pkgs=()
  for tool in "${missing[@]}"; do pkgs+=(${DEB[$tool]}); done   # a value may name two
  pkgs+=("${missing_pkgs[@]}")
  pkgs=($(printf '%s\n' "${pkgs[@]}" | sort -u))     # one package may cover two tools
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  echo "deps: installing with apt-get: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null ||
    { echo "deps: apt-get install ${pkgs[*]} failed" >&2; exit 1; }
  echo "deps: installed"
  exit 0
fi

echo "deps: not a Debian/Ubuntu system; install these yourself:" >&2
echo "  Homebrew: brew install nasm x86_64-elf-gcc x86_64-elf-grub xorriso mtools qemu gdb python3 bochs" >&2
echo "            (UEFI: QEMU's edk2-x86_64-code.fd; point OVMF_CODE at it)" >&2
echo "            (then build with: make CROSS_COMPILE=x86_64-elf-)" >&2
echo "  Arch:     pacman -S nasm grub libisoburn mtools qemu-system-x86 gdb python edk2-ovmf bochs" >&2
echo "  Fedora:   dnf install nasm grub2-tools-extra grub2-pc-modules grub2-efi-x64-modules xorriso mtools qemu-system-x86 gdb python3 edk2-ovmf bochs bochs-bios" >&2
echo "  (Bochs: scripts/bochs.py names the BIOS files as Debian installs them, and needs a build with the debugger)" >&2
exit 1
