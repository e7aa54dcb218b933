"""The word classes the crisis rules are written in (English and German), as people type them."""

from __future__ import annotations

# Each class is a set of words, written naturally: they are folded exactly like a message
# (umlauts, letter runs, apostrophes), so "kill", "kiiill" and "kil" are one word, and "würde",
# "wuerde" and "wurde" another. A word may belong to several classes. Common typos of short
# words are listed here; longer key words are also matched fuzzily (spelling.py).
CLASSES: dict[str, str] = {
    # who
    "SELF": "i im ive id ill ima imma iam ich",
    "ME": "me",
    "MYSELF": "myself meself mself myselff mysel myslf mich mir myself selbst",
    "MY": "my mein meine meinen meinem meiner meines own",
    "NEG": "not dont dnt didnt doesnt cant cannot wont wouldnt never no nt isnt wasnt werent aint "
    "nicht kein keine keinen nie niemals",
    "NOBODY": "nobody nobdy noboy nobady noone niemand keiner",
    # what is done
    "CUT": "slice sliced slicing cut cuts cutting cuttin cuted cutted slit slitting slash slashed "
    "slashing carve carved carving ritzen ritze ritzt ritzte geritzt schneide schneiden "
    "geschnitten aufschneiden aufgeschnitten",
    "HARM": "aufgekratzt aufkratzen gekratzt kratze scrape scraped scraping hrut picking pick "
    "picked hurted smash smashed slam slammed slap slapped slapping hurt hurting hurtin hurts dug "
    "dig digging harm harmed harming burn burned burnt burning scratch scratched scratching hit "
    "hitting punch punched punching bit bite biting bang banged stab stabbed stabbing starve "
    "starved starving punish punished punishing injure injured injuring bruise bruised bleed bled "
    "verletzen verletzt verletze verletzte verbrannt verbrennen verbrenne wehgetan wehtun "
    "geschlagen schlage schlagen",
    "KILL": "kill kl killed killing kills murder hang hanged hanging shoot shooting drown drowning "
    "strangle suffocate poison poisoned umbringen umzubringen toten tote totete getotet erhangen "
    "aufhangen aufzuhangen erschiesen umlegen vergiften ertranken off",
    "END": "end ending ended beenden beende beendet",
    "JUMP": "jump jumping jumped throw throwing step stepping walk walking drive driving crash "
    "yeet springe springen springt werfen werfe sturzen sturze laufen",
    # what about
    "LIFE": "life lfie lfe lief leben",
    "LIVE": "alvie live liv living alive exist existing here around breathing leben existieren",
    "WAKE": "wakeup waking aufwachen aufzuwachen",
    "DIE": "dy die dying died dead death ded dei dye daed sterben sterbe stirb tot tod",
    "GONE": "gone disappear disappearing vanish verschwinden weg",
    "BODY": "rist rists wrist wrists arm arms forearm forearms thigh thighs leg legs skin stomach "
    "belly hip hips chest body veins vein haut arme handgelenk handgelenke pulsadern pulsader "
    "oberschenkel bein beine bauch korper",
    "PILLS": "pills pill tablets tablet meds medication medications paracetamol tylenol ibuprofen "
    "aspirin antidepressants painkillers insulin opioids tabletten tablette pillen medikamente "
    "schlaftabletten",
    "HIGH": "window bridge roof building balcony cliff cliffs carpark storey overpass tower ledge "
    "brucke dach hochhaus balkon klippe turm",
    "VEHICLE": "train bus car lorry truck traffic tracks zug gleise auto lkw bahn ubahn sbahn",
    "LETHAL": "rope noose gun pistol blade blades razor razors strick pistole waffe seil",
    # intent and feeling
    "WANT": "want shuld shoud shold wanna wana wantto wnat wnt wamt wabt wsnt wanr wan wants "
    "wanted wanting wish wished wishing gonna gona ready plan planning planned need needing urge "
    "urges craving cravings tempted about decided trying try tried attempt attempted thinking "
    "think thought thoughts considering contemplating hope rather like might may could should "
    "would will keep gotta mochte wil wolte werde wurde lieber liebsten denke dachte drang "
    "wunsche wunschte",
    "AGAIN": "again back relapse relapsed relapsing wieder ruckfal",
    "PURPOSE": "onpurpose purposely purposefully deliberately intentionally absichtlich",
    "TIME": "tonight tonite 2nite today now rn soon tomorrow weekend later monday tuesday "
    "wednesday thursday friday saturday sunday heute nacht jetzt morgen gleich bald wochenende",
    "HOARD": "saving saved save stockpiling stockpiled stockpile hoarding hoarded hoard collecting "
    "collected stash stashed sammle sammeln gesammelt horte horten gehortet bunkern gebunkert",
    "GET": "bought buy buying got have ordered gekauft besorgt habe hab",
    "BETTER": "better happier easier relieved fine okay ok beser leichter glucklicher",
    "HOPELESS": "hopeless pointless meaningless sinnlos hoffnungslos ausweglos",
    "REASON": "point reason sinn use",
    "FAREWELL": "goodbye goodbyes farewell lebewohl",
    "THANKS": "thank thanks thankyou danke",
    # words that keep one concept going: "cut again", "cut so deep", "cutting is the only way"
    "AFTER_CUT": "again deep deeper so really pretty bad badly is was helps because when last "
    "yesterday after myself tonight today now rn wieder mich",
    # single words that are a signal on their own
    "EXPLICIT": "suicide suicides suicidal suicidality suicidally suizid suizidal suizidale "
    "suizidgedanken suizidversuch selbstmord selbstmordgedanken selbsttotung freitod selfharm "
    "selfharming selfharmed selfharms selfinjury selfinjuring selfinjure selfinjured "
    "selfmutilation selfmutilate selfdestruct selfdestructive selbstverletzung selbstverletzen "
    "selbstverletzt selbstverletzendes svv lebensmude lebensmuder overdose overdosing overdosed "
    "overdoze abschiedsbrief abschiedsbriefe",
    "SLANG": "kms kmsfr unalive unalived unaliving unaliveing sewerslide sewerslided sewersliding "
    "sewerslidal sewercide selfdelete selfdeleting selfdeleted ctb toasterbath",
    "SH": "sh si shd",
    "SUI": "sui suey",
}


def words_of(name: str) -> tuple[str, ...]:
    """The words of one class, as written above."""
    return tuple(CLASSES[name].split())
