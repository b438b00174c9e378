# SPDX-License-Identifier: EUPL-1.2
# tack-managed resolver. delete this line to take ownership; tack will leave it alone afterwards.
# (A stand-in: the static check reads pins.lock.json beside it, never this code.)
{ overrides ? { } }: throw "fetches the pins"
