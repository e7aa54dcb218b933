"""Harmless phrases that look like a crisis concept ("dying to try"): checked after a match."""

from __future__ import annotations

# Harmless phrases: a match that overlaps one of these is not a signal. They are checked only
# after a rule matched, and only the phrase around the match counts; no word is ever removed
# before matching, so "i cut myself when i'm sad" is still found.
GUARDS: tuple[str, ...] = (
    "(0/00) kms",
    "kmsl",
    "kms (race/run/ride)",
    "ctb (hockey/game)",
    "KILL ~1 MYSELF ~1 (laughing/laughter)",
    "(killing/kiling) MYSELF (at/with/over/in/for) ~2 (gym/work/training/workouts/workout/job)",
    "EXPLICIT (squad/sprints/sprint/run/runs/drills/doors/burn/silence/prevention/awareness"
    "/hotline/rates/rate/bomber)",
    "(political/career/social/commercial/financial) EXPLICIT",
    "EXPLICIT on (chocolate/sugar/cake/coffee/caffeine/candy/sweets/carbs/pizza/netflix)",
    "dying to (try/see/know/hear/read/go/get/eat/make/taste/meet/start)",
    "(would/d/could/wurde) DIE for",
    "DIE for (a/my/some/the)",
    "to DIE for +(|/$/,/lol/lmao)",
    "DIE (of/from/vor) (laughing/laughter/lachen/embarrassment/boredom/shame/cuteness/envy/"
    "langeweile/hunger/neugier/hitze)",
    "(laughed/laugh/laughing) ~3 DIE",
    "(HARM) MYSELF (laughing/laughter)",
    "(here/around) ~2 (much longer/for long) ~3 (moving/move/travelling/traveling/leaving/holiday"
    "/vacation/trip/job)",
    "MY ~1 (knee/knees/back/leg/legs/foot/feet/shoulder/neck/head/tooth/hip/ankle) ~4 never",
    "burden ~8 (lol/lmao/haha)",
    "(phone/battery/laptop/plant/plants/car/tracker/watch/fish/dog/cat) ~3 DIE",
    "END things with",
    "LETHAL for MY? (razor/shaver/knife/craft/cutter/shaving)",
    "HIGH ~4 (view/views/photo/photos/pictures/sunset/walk/run/market)",
    "(box/bottle/packet/pack) of (chocolates/chocolate/cookies/biscuits/wine/water/juice/crisps"
    "/sweets)",
    "(pflanze/pflanzen/blume/blumen/plant/plants) ~4 (mehr zu leben/LIVE)",
    "(pflanze/pflanzen/blume/blumen/plant/plants) ~2 NEG ~2 (mehr zu leben/LIVE)",
    "rope (at the gym/climb/climbing/course/swing)",
    "DIE (tired/serious/set/inside)",
    "(dead/ded) (lol/lmao/lmfao)",
    "DIE in (this/the/that) ~1 (level/game/round/match/boss/episode)",
    "rather DIE than (eat/go/do/watch/run/have/wear/drink/see/listen/miss)",
    "^ SELF could ~1 DIE",
    "(tired/hungry/bored/happy/embarrassed/full) SELF could ~1 DIE",
    "burn (calories/fat/off/energy)",
    "(burning/burned/burnt) (calories/fat/off/energy)",
    "(can't/cant/cannot) wait",
    "wait ~2 (much longer/any longer)",
    "(let ME DIE) (laughing/of)",
    "(CUT/HARM) MYSELF (a/an/some/slack/shaving/cooking/chopping)",
    "HARM MYSELF (moving/carrying/lifting/cleaning/gardening/cooking/running/climbing/skiing"
    "/cycling/playing/training/doing/while/during)",
    "(CUT/HARM) MYSELF (while/when/on/at/in/doing/playing/lifting/running/training/at) ~2"
    " (cooking/shaving/chopping/gym/football/soccer/tennis/work/kitchen/knife/pan/stove"
    "/oven/iron/kettle/glass/paper)",
    "(HARM) MY ~1 BODY ~2 (at/in/during/while/playing/running/lifting/doing/on the)",
    "(HARM/CUT) MY ~1 BODY (on/with) the (pan/stove/oven/iron/kettle/fence/knife/glass)",
    "MYSELF ~3 (CUT/HARM) ~2 beim",
    "MYSELF ~1 beim ~3 (CUT/HARM)",
    "MYSELF ~2 am (knie/fus/finger/daumen/kopf/ofen/herd/bugeleisen/knochel)",
    "(CUT/HARM) am (knie/fus/finger/daumen/kopf/ofen/herd/bugeleisen)",
    "(GONE) (into/to/on/for a/for the/under/in) -(forever)",
    "sleep forever on",
    "(disappear/vanish) (from/for) (work/social/a)",
    "FAREWELL (for now/to sugar/sugar/until/bis)",
    "(rope/jump) (swing/skipping)",
    "(jump/skipping) rope",
    "LIVE (in/with/near/at/on/there/abroad/alone/without)",
    "burden on MY ~1 (legs/knees/back/joints)",
    "(one/my) last time",
    "last time SELF (eat/ate/skip/skipped/miss/missed/do/did/have/had/drink/buy/order/make/go"
    "/try/let)",
    "PILLS for ~1 (trip/holiday/travel/vacation/journey/flight/later/week)",
    "(mache/mach) ~2 schluss (mit/fur) -(allem/alles/dem LIFE/MY LIFE)",
    "(fur heute/dann) schluss",
    "schluss fur heute",
    "mit ~4 schluss gemacht",
    "gone (on/for) (holiday/vacation/a/the)",
    "END (up/the/my day/my evening)",
    "END MY (day/evening/night/week/morning/shift/streak)",
    "sh (t/it)",
)
