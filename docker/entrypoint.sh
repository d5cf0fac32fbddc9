#!/bin/sh
# Maps the image's commands to the descent CLI: api | worker | migrate | start | keys …
set -e
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  api) exec node bin/descent.js serve "$@" ;;
  worker | migrate | start | keys | serve | run) exec node bin/descent.js "$command" "$@" ;;
  *) exec "$command" "$@" ;;
esac
