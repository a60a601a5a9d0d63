#!/usr/bin/env bash
# Generates Parley's spoken IVR prompts with espeak-ng and sox (Debian packages) as 8 kHz,
# 16-bit, mono WAV files. The generated files are committed, so building Parley does not need
# these tools; rerun this after changing a text. A deployment replaces prompts by pointing
# the node at a directory of WAV files with the same names.
#   scripts/make-prompts.sh [OUTPUT_DIR]   (default: Sources/ParleyMediaServer/Prompts/en)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-Sources/ParleyMediaServer/Prompts/en}
command -v espeak-ng >/dev/null && command -v sox >/dev/null || {
    echo "make-prompts: needs espeak-ng and sox: apt-get install espeak-ng sox" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

say() { # name text
    espeak-ng -v en-us -s 150 -w "$tmp/$1.wav" "$2"
    sox "$tmp/$1.wav" -r 8000 -b 16 -c 1 -e signed-integer "$out/$1.wav" norm -3 pad 0.1 0.2
}

say welcome "Welcome to Parley. Please enter your meeting I D, followed by the pound key."
say enter_meeting_id "Please enter your meeting I D, followed by the pound key."
say enter_password "Please enter the meeting password, followed by the pound key."
say enter_host_pin "If you are the host, enter your host pin, followed by the pound key. Otherwise, press pound."
say meeting_not_found "That meeting I D was not found."
say not_started "This meeting has not started yet."
say meeting_ended "This meeting has ended."
say meeting_locked "This meeting is locked."
say meeting_full "This meeting is full."
say wrong_password "That password is not correct."
say try_again "Please try again."
say too_many_tries "Too many tries."
say goodbye "Goodbye."
say joining "You are now joining the meeting."
say waiting_for_host "Please wait. The meeting will begin when the host joins."
say no_licence "This meeting cannot start now, because no conferencing licence is free. Please call again later."
say muted "You are muted."
say unmuted "You are unmuted."
say locked_now "The meeting is now locked."
say unlocked_now "The meeting is now unlocked."
say all_muted "All participants except the host are now muted."
say ejected "The last caller to join has been removed."
say removed "The host has removed you from this meeting."
say host_only "That command is for the host only."
say only_you "You are the only participant."
say there_are "There are"
say participants "participants in this meeting."
for n in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 30 40 50 60 70 80 90; do
    say "number_$n" "$n"
done
say number_hundred "hundred"
say number_thousand "thousand"
echo "make-prompts: wrote $(ls "$out" | wc -l) prompts to $out ($(du -sh "$out" | cut -f1))"
