# Shell helper for the scripts that install Debian packages when they are missing.
# missing_packages NAME...: prints, space-separated, those of NAME... that dpkg does not have installed.

missing_packages() {
  local package missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  echo "${missing[*]}"
}
