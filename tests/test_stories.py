"""Incremental stories: joins, stable ids, look-alike events kept apart, order independence."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from recoupe.clean import clean_article
from recoupe.model import Article, RawDocument, Story
from recoupe.settings import Settings
from recoupe.stories import (
    arrival_key,
    article_terms,
    assign_block,
    assign_stories,
    date_interval,
    first_sentence,
    lookup_terms,
    may_share_story,
    term_vector,
)

# Two handball matches of the same club a week apart: same coach, same players, same hall.
MATCH_1 = [
    (
        "m1a.txt",
        "2024-11-09",
        "Le HBC Morvillars a dominé l'Entente de Sarrazac (31-27) samedi soir au gymnase Jean-Bouin, "
        "pour la sixième journée de Nationale 2.\n\n"
        "Porté par Théo Lambert, auteur de neuf buts, Morvillars a fait la différence en fin de match. "
        "Le gardien Quentin Dufay a arrêté deux jets de sept mètres dans les dix dernières minutes.\n\n"
        "« Sarrazac nous a bousculés pendant quarante minutes, puis on a tenu physiquement », "
        "a expliqué l'entraîneur Paul Verdier.\n\n"
        "Le club recevra l'US Chantemerle samedi prochain.",
    ),
    (
        "m1b.txt",
        "2024-11-10",
        "Neuf buts de Théo Lambert et une victoire 31-27 : le HBC Morvillars a battu l'Entente de Sarrazac "
        "samedi au gymnase Jean-Bouin.\n\n"
        "Les Sarrazacois menaient encore 22-23 à la 45e minute avant un 6-1 décisif des locaux. "
        "Quentin Dufay a multiplié les arrêts face aux ailiers de Sarrazac.\n\n"
        "« On savait que Sarrazac jouerait vite, il fallait rester patients », a confié Paul Verdier, "
        "l'entraîneur de Morvillars, après cette deuxième victoire de la saison.",
    ),
]
MATCH_2 = [
    (
        "m2a.txt",
        "2024-11-16",
        "Le HBC Morvillars s'est incliné face à l'US Chantemerle (24-26) samedi soir au gymnase Jean-Bouin, "
        "pour la septième journée de Nationale 2.\n\n"
        "Théo Lambert, encore meilleur buteur avec sept réalisations, n'a pas suffi. Les Chantemerlois ont "
        "creusé l'écart en seconde période grâce à leur arrière Malik Ouazzani.\n\n"
        "« Chantemerle a été plus juste, on a gâché trop de ballons », a regretté l'entraîneur Paul Verdier.\n\n"
        "Le gardien Quentin Dufay a pourtant sorti quatorze tirs.",
    ),
    (
        "m2b.txt",
        "2024-11-17",
        "Première défaite à domicile pour le HBC Morvillars, battu 26-24 par l'US Chantemerle samedi "
        "au gymnase Jean-Bouin.\n\n"
        "Malik Ouazzani, l'arrière de Chantemerle, a inscrit huit buts, dont trois dans les cinq dernières "
        "minutes. Côté Morvillars, Théo Lambert a marqué sept fois.\n\n"
        "« Ouazzani nous a fait très mal, on n'a jamais trouvé la solution », a reconnu Paul Verdier, "
        "qui espère un rebond à Vinzelles la semaine prochaine.",
    ),
]
OTHERS = [
    (
        "lib.txt",
        "2024-11-12",
        "La nouvelle médiathèque de Morvillars a ouvert ses portes mardi dans l'ancienne caserne des pompiers. "
        "Le bâtiment abrite trente mille documents et un espace numérique.\n\n"
        "« C'est un lieu pour tous les âges », a souligné la maire, Claire Mandrin, lors de l'inauguration.",
    ),
    (
        "road.txt",
        "2024-11-14",
        "Un automobiliste de 34 ans a été grièvement blessé jeudi matin dans une sortie de route sur la "
        "départementale 12, entre Sarrazac et Vinzelles. Les pompiers l'ont désincarcéré.\n\n"
        "La gendarmerie a ouvert une enquête. La chaussée était glissante après une nuit de gel.",
    ),
    (
        "fair.txt",
        "2024-11-11",
        "La foire aux santons de Chantemerle a attiré plus de quatre mille visiteurs ce week-end. "
        "Une quarantaine d'artisans étaient installés sous la halle.\n\n"
        "Les organisateurs envisagent déjà d'ajouter une journée l'an prochain.",
    ),
]


def _articles(specs: list[tuple[str, str, str]], start: int = 0) -> list[Article]:
    return [
        clean_article(RawDocument(file=f, source_path=f, text=f" date {d} {t}"), order=start + n)
        for n, (f, d, t) in enumerate(specs)
    ]


def _membership(stories: list[Story], arts: list[Article]) -> dict[str, str]:
    file_of = {a.id: a.file for a in arts}
    return {file_of[a]: s.id for s in stories for a in s.article_ids if a in file_of}


def _partition(stories: list[Story], arts: list[Article]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for f, s in _membership(stories, arts).items():
        groups.setdefault(s, set()).add(f)
    return {frozenset(g) for g in groups.values()}


def test_look_alike_events_a_week_apart_stay_apart() -> None:
    arts = _articles(MATCH_1 + MATCH_2 + OTHERS)
    stories = assign_stories(arts, [], [], Settings())
    part = _partition(stories, arts)
    assert frozenset({"m1a.txt", "m1b.txt"}) in part
    assert frozenset({"m2a.txt", "m2b.txt"}) in part
    assert {frozenset({"lib.txt"}), frozenset({"road.txt"}), frozenset({"fair.txt"})} <= part


def test_every_article_gets_exactly_one_story_with_title_and_dates() -> None:
    arts = _articles(MATCH_1 + MATCH_2 + OTHERS)
    stories = assign_stories(arts, [], [], Settings())
    ids = [a for s in stories for a in s.article_ids]
    assert sorted(ids) == sorted(a.id for a in arts)
    by_file = {a.file: a for a in arts}
    story = next(s for s in stories if by_file["m1b.txt"].id in s.article_ids)
    assert story.id == f"story-{by_file['m1a.txt'].id}"  # founded by the earliest article
    assert story.title == first_sentence(by_file["m1a.txt"].text)
    assert story.title.startswith("Le HBC Morvillars a dominé") and story.title.endswith("Nationale 2.")
    assert (story.first_published, story.last_published) == ("2024-11-09", "2024-11-10")


def test_stories_are_incremental_with_stable_ids() -> None:
    first = _articles(MATCH_1[:1] + OTHERS[2:])
    before = assign_stories(first, [], [], Settings())
    later = _articles(MATCH_1[1:] + MATCH_2, start=len(first))
    after = assign_stories(first + later, [], [], Settings(), existing=before)
    old_ids = {s.id for s in before}
    member = _membership(after, first + later)
    # earlier decisions stand, and the follow-up joins the story founded by the first report
    assert _membership(before, first).items() <= member.items()
    assert member["m1b.txt"] == member["m1a.txt"] in old_ids
    assert member["m2a.txt"] == member["m2b.txt"] not in old_ids
    touched = {s.id for s in after}
    assert member["fair.txt"] in touched  # its articles were passed in, so its story is returned


def test_near_duplicates_join_their_partner_story() -> None:
    arts = _articles(MATCH_1 + OTHERS)
    road = next(a for a in arts if a.file == "road.txt")
    m1a = next(a for a in arts if a.file == "m1a.txt")
    stories = assign_stories(arts, [(m1a.id, road.id, 0.9)], [], Settings())
    member = _membership(stories, arts)
    assert member["road.txt"] == member["m1a.txt"]


def test_undated_articles_arrive_last_and_can_still_join() -> None:
    specs = MATCH_2 + [("m2c.txt", "", MATCH_2[0][2].replace("samedi soir", "samedi"))]
    arts = [
        clean_article(RawDocument(file=f, source_path=f, text=(f" date {d} " if d else "") + t), order=n)
        for n, (f, d, t) in enumerate(specs)
    ]
    assert max(arts, key=arrival_key).file == "m2c.txt"
    member = _membership(assign_stories(arts, [], [], Settings()), arts)
    assert member["m2c.txt"] == member["m2a.txt"] == member["m2b.txt"]


@hsettings(max_examples=15, deadline=None)
@given(st.permutations(list(range(len(MATCH_1 + MATCH_2 + OTHERS)))))
def test_input_order_does_not_change_story_membership(perm: list[int]) -> None:
    specs = MATCH_1 + MATCH_2 + OTHERS
    reference = _partition(assign_stories(_articles(specs), [], [], Settings()), _articles(specs))
    shuffled = _articles([specs[i] for i in perm])
    assert _partition(assign_stories(shuffled, [], [], Settings()), shuffled) == reference


def test_large_batches_close_quiet_stories_but_undated_articles_can_still_join(monkeypatch) -> None:  # noqa: ANN001
    import recoupe.stories as stories

    monkeypatch.setattr(stories, "_KEEP_TERMS", 0)  # take the bounded path of large batches
    late = [(f, "2025-03-01", t) for f, _, t in OTHERS]
    signed = "\n\nReportage de notre correspondant au gymnase."
    specs = MATCH_1 + late + [
        ("m1-undated.txt", "", MATCH_1[1][2] + signed),
        ("m1-late.txt", "2025-03-02", MATCH_1[0][2] + signed),
    ]
    arts = [
        clean_article(RawDocument(file=f, source_path=f, text=(f" date {d} " if d else "") + t), order=n)
        for n, (f, d, t) in enumerate(specs)
    ]
    result = assign_stories(arts, [], [], Settings())
    member = _membership(result, arts)
    assert member["m1a.txt"] == member["m1b.txt"] == member["m1-undated.txt"]
    # four months later the story is closed: the same text dated then opens a new story
    assert member["m1-late.txt"] != member["m1a.txt"]


def test_an_existing_story_keeps_its_title_when_later_articles_join() -> None:
    first = _articles(MATCH_1[:1])
    (story,) = assign_stories(first, [], [], Settings())
    later = _articles(MATCH_1[1:], start=1)
    (after,) = assign_stories(first + later, [], [], Settings(), existing=[story])
    assert after.id == story.id and after.title == story.title
    assert after.last_published == "2024-11-10" and len(after.article_ids) == 2
    # the story's earliest article is not at hand (an older run): a later one does not retitle it
    m1a, m1b = first[0], later[0]
    ghost = Story("story-gone", "Titre du premier article.", "2024-11-08", "2024-11-10", ["gone", m1b.id])
    (again,) = assign_stories([m1b, m1a], [], [], Settings(), existing=[ghost])
    assert again.article_ids == ["gone", m1b.id, m1a.id]
    assert again.title == "Titre du premier article." and again.first_published == "2024-11-08"


def _vectors_and_df(arts: list[Article]) -> tuple[dict[str, dict[str, float]], Counter[str]]:
    terms = {a.id: article_terms(a) for a in arts}
    df: Counter[str] = Counter(t for ts in terms.values() for t in ts)
    return {a: term_vector(t, df, len(arts)) for a, t in terms.items()}, df


def test_blocks_of_linked_articles_give_the_whole_batch_partition() -> None:
    # the blocking rule of the Spark job: articles sharing a lookup term that may_share_story lets interact,
    # then assign_block per connected block with the batch's df and n: the partition assign_stories makes
    arts = _articles(MATCH_1 + MATCH_2 + OTHERS)
    settings = Settings()
    whole = _partition(assign_stories(arts, [], [], settings), arts)
    vectors, df = _vectors_and_df(arts)
    by_id = {a.id: a for a in arts}
    root = {a.id: a.id for a in arts}

    def find(x: str) -> str:
        while root[x] != x:
            x = root[x]
        return x

    keys = {a.id: set(lookup_terms(vectors[a.id], df, len(arts))) for a in arts}
    for a in arts:
        for b in arts:
            if a.id < b.id and keys[a.id] & keys[b.id] and may_share_story(
                vectors[a.id], date_interval(a.published), vectors[b.id], date_interval(b.published), settings
            ):
                root[find(b.id)] = find(a.id)
    blocks: dict[str, list[Article]] = {}
    for aid in by_id:
        blocks.setdefault(find(aid), []).append(by_id[aid])
    assert 1 < len(blocks) < len(arts), "the corpus must split into several blocks, some of several articles"
    blocked: list[Story] = []
    for block in blocks.values():
        blocked.extend(assign_block(block, lambda a: vectors[a.id], [], settings, df, len(arts)))
    assert _partition(blocked, arts) == whole


def test_vectors_from_frequent_terms_only_equal_the_full_df() -> None:
    # the Spark job broadcasts the terms of df >= 2 and counts a missing one as 1: same vectors
    arts = _articles(MATCH_1 + MATCH_2 + OTHERS)
    vectors, df = _vectors_and_df(arts)
    frequent = {t: c for t, c in df.items() if c >= 2}
    assert len(frequent) < len(df)
    for a in arts:
        assert term_vector(article_terms(a), frequent, len(arts), unseen_df=1) == vectors[a.id]


def test_may_share_story_needs_the_time_window_and_the_threshold() -> None:
    settings = Settings()
    vec = {"N:lyon": 0.8, "#:42": 0.6}
    day = date_interval("2025-03-01")
    assert day is not None
    edge = day[0] + settings.story_max_gap_days
    assert may_share_story(vec, day, vec, (edge, edge), settings)
    assert not may_share_story(vec, day, vec, (edge + 1, edge + 1), settings)
    assert may_share_story(vec, day, vec, None, settings)  # an undated article may join any story
    assert not may_share_story(vec, day, {"N:lyon": 0.1, "stade": 0.99}, day, settings)
