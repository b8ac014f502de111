#!/usr/bin/env bash
# Refresh the message catalogs after changing interface strings:
#   extract the Swedish msgids, merge them into the English catalog, compile it.
# Then translate every empty msgstr in mapapp/translations/en/LC_MESSAGES/messages.po and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
$pybabel -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o mapapp/translations/messages.pot mapapp templates
if [ -f mapapp/translations/en/LC_MESSAGES/messages.po ]; then
  $pybabel -q update --no-fuzzy-matching -i mapapp/translations/messages.pot -d mapapp/translations -l en
else
  $pybabel -q init -i mapapp/translations/messages.pot -d mapapp/translations -l en
fi
$pybabel -q compile -d mapapp/translations
