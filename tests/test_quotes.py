"""Quotations and speakers: one test per hard case, on sentences written for these tests."""

from __future__ import annotations

import pytest

from recoupe.clean import clean_article
from recoupe.model import Quote, RawDocument
from recoupe.quotes import find_quotes, merge_speakers

NB = "\u00a0"
NNB = "\u202f"


def run(nlp, text: str, name: str = "t.txt") -> list[Quote]:  # noqa: ANN001
    art = clean_article(RawDocument(file=name, source_path=name, text=text))
    quotes = find_quotes([art], nlp)
    for q in quotes:
        assert art.text[q.start : q.end] == q.text
    return quotes


def direct(quotes: list[Quote]) -> list[Quote]:
    return [q for q in quotes if q.kind == "direct"]


def indirect(quotes: list[Quote]) -> list[Quote]:
    return [q for q in quotes if q.kind == "indirect"]


def test_guillemets_with_nbsp_and_cue_before(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, f"La ministre des Sports, Claire Mondeville, a déclaré{NB}: «{NB}Nous tiendrons nos "
                         f"engagements envers les clubs amateurs.{NB}»"))
    assert [q.text for q in qs] == ["Nous tiendrons nos engagements envers les clubs amateurs."]
    assert qs[0].speaker == "Claire Mondeville"
    assert qs[0].role and "ministre des Sports" in qs[0].role
    assert qs[0].cue == "a déclaré"


def test_narrow_nbsp_and_cue_after_with_title(nlp) -> None:  # noqa: ANN001
    text = (f"Le club de rugby de Vernède a présenté ses comptes. «{NNB}Le budget sera voté en juin et il sera "
            f"équilibré{NNB}», a affirmé M. Robert Lagarde, trésorier du club.")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["Le budget sera voté en juin et il sera équilibré"]
    assert qs[0].speaker == "Robert Lagarde"
    assert qs[0].role == "trésorier du club"


def test_english_and_straight_quote_marks(nlp) -> None:  # noqa: ANN001
    text = ("“Nous avons perdu la moitié de la récolte cette année”, a expliqué l'agricultrice Maud Terrasse.\n\n"
            '"Il faudra des aides rapides pour tenir jusqu\'au printemps", a-t-elle ajouté.')
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Maud Terrasse", "Maud Terrasse"]
    assert qs[1].speaker_mention == "elle"


def test_quote_spanning_two_paragraphs(nlp) -> None:  # noqa: ANN001
    text = ("Le président de l'association des riverains, Marc Delorme, a pris la parole devant le conseil.\n\n"
            "« Nous attendons ce pont depuis trois ans. Les familles n'en peuvent plus.\n\n"
            "« Aujourd'hui, nous voulons des actes et un calendrier précis », a-t-il conclu.")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == [
        "Nous attendons ce pont depuis trois ans. Les familles n'en peuvent plus.",
        "Aujourd'hui, nous voulons des actes et un calendrier précis",
    ]
    assert {q.speaker for q in qs} == {"Marc Delorme"}
    assert qs[0].paragraph != qs[1].paragraph


def test_incise_with_inverted_pronoun(nlp) -> None:  # noqa: ANN001
    text = ("L'avocat de la famille, Me Pierre Vautrin, reste déterminé. « Nous irons, a-t-il dit, "
            "jusqu'au bout de la procédure. »")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["Nous irons", "jusqu'au bout de la procédure."]
    assert {q.speaker for q in qs} == {"Pierre Vautrin"}


def test_incise_with_named_speaker(nlp) -> None:  # noqa: ANN001
    text = ("« Le chantier avance bien, a expliqué la directrice des travaux, Sandrine Morel. "
            "Il sera terminé avant la rentrée. »")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["Le chantier avance bien", "Il sera terminé avant la rentrée."]
    assert {q.speaker for q in qs} == {"Sandrine Morel"}


def test_bare_cue_goes_to_previous_speaker(nlp) -> None:  # noqa: ANN001
    text = ("La rectrice de l'académie, Odile Fabre, a salué « un effort collectif » des enseignants. "
            "Et d'ajouter : « Nous ouvrirons deux classes supplémentaires à la rentrée. »")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["un effort collectif", "Nous ouvrirons deux classes supplémentaires à la rentrée."]
    assert [q.speaker for q in qs] == ["Odile Fabre", "Odile Fabre"]
    assert qs[1].cue == "Et d'ajouter"


def test_pronoun_follows_gender(nlp) -> None:  # noqa: ANN001
    text = ("Le maire, Alain Ribot, et la préfète, Nadine Chollet, ont visité la digue mardi.\n\n"
            "« Les travaux seront financés par l'État », a-t-elle assuré.\n\n"
            "« Nous resterons vigilants sur les délais », a-t-il répondu.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Nadine Chollet", "Alain Ribot"]


def test_two_speakers_alternating_in_one_paragraph(nlp) -> None:  # noqa: ANN001
    text = ("« Le contrat ne sera pas renouvelé », a tranché le directeur, Bruno Castel. « Alors nous irons "
            "devant les prud'hommes », a répliqué la déléguée syndicale, Inès Moreau. « C'est votre droit », "
            "a conclu le directeur.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Bruno Castel", "Inès Moreau", "Bruno Castel"]


def test_role_and_surname_resolve_to_first_full_mention(nlp) -> None:  # noqa: ANN001
    text = ("Le porte-parole du gouvernement, Luc Berthier, a répondu aux questions des journalistes.\n\n"
            "« Aucune hausse d'impôt n'est prévue », a déclaré M. Berthier.\n\n"
            "« Le budget sera présenté en conseil des ministres », a précisé le porte-parole.\n\n"
            "« Nous n'avons rien à cacher », a ajouté Berthier.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Luc Berthier"] * 3
    assert all(q.role == "porte-parole du gouvernement" for q in qs)


def test_organisation_speaks_through_a_communique(nlp) -> None:  # noqa: ANN001
    text = ("Les chauffeurs de la Fédération nationale des transporteurs (FNT) bloquent le dépôt.\n\n"
            "« Aucune négociation n'est possible sous la contrainte », a indiqué la direction de Transalpes "
            "dans un communiqué.\n\n"
            "« Nous tiendrons le piquet tout le week-end », a répondu le syndicat.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Transalpes", "Fédération nationale des transporteurs"]
    assert {q.speaker_type for q in qs} == {"ORG"}


def test_anonymous_source_keeps_mention(nlp) -> None:  # noqa: ANN001
    text = ("« Personne ne nous a prévenus avant la coupure », confie un riverain qui souhaite garder "
            "l'anonymat.\n\n« On nous prend pour des idiots », a-t-il ajouté.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == [None, None]
    assert qs[0].speaker_mention and qs[0].speaker_mention.startswith("un riverain")


def test_scare_quotes_titles_and_names_are_not_quotations(nlp) -> None:  # noqa: ANN001
    text = ("Le projet, baptisé « Horizon Vert », prévoit un « plan de la dernière chance » pour le quartier "
            "des Tilleuls, que les habitants surnomment « le Bronx ». L'affaire a été révélée par « Le Petit "
            "Courrier ». Le bateau « Marie-Galante » reste à quai, et le patron, surnommé « le Baron », "
            "est poursuivi pour « abus de biens sociaux ».")
    assert direct(run(nlp, text)) == []


def test_partial_quotation_after_its_verb(nlp) -> None:  # noqa: ANN001
    text = "Le sénateur Hugo Parmentier a dénoncé « une décision brutale et injuste » lors de la séance."
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["une décision brutale et injuste"]
    assert qs[0].speaker == "Hugo Parmentier"


def test_fragment_tied_by_selon(nlp) -> None:  # noqa: ANN001
    text = "Le financement du projet reste « très fragile », selon Thomas Girard, adjoint aux finances."
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("très fragile", "Thomas Girard")]


def test_nested_quote_marks_give_one_quotation(nlp) -> None:  # noqa: ANN001
    text = '« Il m\'a dit : "On verra demain", et je n\'ai plus eu de nouvelles », raconte Julie Perrin.'
    qs = direct(run(nlp, text))
    assert len(qs) == 1
    assert qs[0].text.startswith("Il m'a dit") and qs[0].speaker == "Julie Perrin"


def test_indirect_speech_with_que(nlp) -> None:  # noqa: ANN001
    text = "Le directeur du site, Paul Lemaire, a indiqué que l'usine rouvrirait en septembre."
    qs = indirect(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("l'usine rouvrirait en septembre", "Paul Lemaire")]


def test_indirect_speech_postposed_and_selon(nlp) -> None:  # noqa: ANN001
    text = ("La ligne de bus sera rétablie dès lundi, a annoncé la maire, Jeanne Vidal.\n\n"
            "Selon la préfecture, trois routes restent coupées dans le département.")
    qs = indirect(run(nlp, text))
    assert [q.text for q in qs] == [
        "La ligne de bus sera rétablie dès lundi",
        "trois routes restent coupées dans le département",
    ]
    assert qs[0].speaker == "Jeanne Vidal"


def test_partial_quotation_is_left_out_of_indirect_text(nlp) -> None:  # noqa: ANN001
    text = ("Le maire, Yves Carrel, a assuré que la piscine rouvrirait en mai et que les tarifs resteraient "
            "« les plus bas du département ».")
    qs = run(nlp, text)
    assert [q.text for q in direct(qs)] == ["les plus bas du département"]
    assert [q.text for q in indirect(qs)] == ["la piscine rouvrirait en mai"]


def test_merge_speakers_across_articles() -> None:
    quotes = [
        Quote("a", "a.txt", "direct", "x", 0, 1, speaker="Poutine", speaker_mention="Poutine", speaker_type="PER"),
        Quote("b", "b.txt", "direct", "y", 0, 1, speaker="Vladimir Poutine", speaker_mention="Vladimir Poutine",
              role="président russe", speaker_type="PER"),
        Quote("c", "c.txt", "direct", "z", 0, 1, speaker="Jean Poutine", speaker_type="PER"),
    ]
    speakers, out = merge_speakers(quotes)
    assert out[0].speaker in ("Vladimir Poutine", "Jean Poutine") or out[0].speaker == "Poutine"
    assert out[1].speaker == "Vladimir Poutine" and out[2].speaker == "Jean Poutine"
    names = {s.name for s in speakers}
    assert "Vladimir Poutine" in names and "Jean Poutine" in names


def test_merge_speakers_unambiguous_surname() -> None:
    quotes = [
        Quote("a", "a.txt", "direct", "x", 0, 1, speaker="Poutine", speaker_mention="Poutine", speaker_type="PER"),
        Quote("b", "b.txt", "direct", "y", 0, 1, speaker="Vladimir Poutine", role="président russe",
              speaker_type="PER"),
        Quote("c", "c.txt", "direct", "z", 0, 1, speaker="USTA", speaker_type="ORG"),
        Quote("d", "d.txt", "indirect", "w", 0, 1, speaker="Union syndicale des travailleurs de l'agroalimentaire",
              speaker_type="ORG"),
    ]
    speakers, out = merge_speakers(quotes)
    assert [q.speaker for q in out] == ["Vladimir Poutine", "Vladimir Poutine",
                                        "Union syndicale des travailleurs de l'agroalimentaire",
                                        "Union syndicale des travailleurs de l'agroalimentaire"]
    putin = next(s for s in speakers if s.name == "Vladimir Poutine")
    assert "Poutine" in putin.aliases and putin.roles == ["président russe"]


@pytest.mark.parametrize("text", ["Le conseil municipal a voté le budget mardi soir, à l'unanimité.",
                                  "Aucune citation dans ce texte, seulement des faits."])
def test_no_quotation(nlp, text: str) -> None:  # noqa: ANN001
    assert run(nlp, text) == []


def test_press_style_cues(nlp) -> None:  # noqa: ANN001
    text = ("«Nous ne céderons rien sur les salaires», a lancé lundi soir à la presse le ministre du Travail, "
            "Julien Mercadier.\n\n"
            "Et de conclure : «Les négociations reprendront la semaine prochaine.»\n\n"
            "«Il n'y a pas de fumée sans feu», glisse un proche du dossier.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Julien Mercadier", "Julien Mercadier", None]
    assert qs[2].speaker_mention and qs[2].speaker_mention.startswith("un proche")


def test_legal_charges_and_titles_are_not_quotations(nlp) -> None:  # noqa: ANN001
    text = ("L'ancien directeur a été mis en examen pour « abus de confiance » et « faux en écriture ». "
            "Il avait publié l'an dernier une tribune intitulée « Il faut sauver l'hôpital public ». "
            "Selon « Libération », l'enquête vise aussi deux adjoints.")
    assert direct(run(nlp, text)) == []


def test_opinion_verb_governs_a_fragment(nlp) -> None:  # noqa: ANN001
    text = "La présidente de l'association, Lucie Arnaud, craint « un effet domino » dans toute la vallée."
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("un effet domino", "Lucie Arnaud")]


def test_names_of_plans_and_movements_are_not_quotations(nlp) -> None:  # noqa: ANN001
    text = ("Le mouvement des « bonnets rouges » avait dénoncé en 2014 l'objectif de « zéro pesticide ». "
            "La loi dite « anticasseurs » a été votée. Le syndicat a lancé l'opération « ville morte ».")
    assert direct(run(nlp, text)) == []


def test_tagger_noun_reading_of_a_speech_verb(nlp) -> None:  # noqa: ANN001
    text = ("Une élue de l'opposition, qui a requis l'anonymat, juge le budget « trop timide ». "
            "« Il faudra aller plus loin », confie-t-elle.")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["trop timide", "Il faudra aller plus loin"]
    assert [q.speaker for q in qs] == [None, None]


def test_crowds_documents_and_pour_with_a_role(nlp) -> None:  # noqa: ANN001
    text = ("Le maire de Saint-Aubin, Pierre Lemoine, a annoncé la fermeture de l'école du hameau.\n\n"
            "«On ne lâchera rien !» ont scandé les parents devant la mairie.\n\n"
            "Pour le maire, « il n'est pas question de revenir en arrière ». « Les effectifs ne le permettent "
            "plus », a-t-il justifié.\n\n"
            "« La décision est actée », indique un communiqué de la préfecture.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == [None, "Pierre Lemoine", "Pierre Lemoine", "préfecture"]
    assert qs[0].speaker_mention == "les parents"
    assert qs[3].speaker_type == "ORG"


def test_quote_without_cue_goes_to_the_subject_before(nlp) -> None:  # noqa: ANN001
    text = ("Le président du club, Marc Olivier, a réuni les joueurs lundi. Le dirigeant s'est montré confiant. "
            "« Nous trouverons une solution avant la fin de la saison. »")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [
        ("Nous trouverons une solution avant la fin de la saison.", "Marc Olivier")]


def test_colon_after_any_clause_and_names_after_prepositions(nlp) -> None:  # noqa: ANN001
    text = ("L'opposition, menée par Sylvie Roumagnac, s'interroge sur le calendrier. « Personne ne nous a rien "
            "dit », a-t-elle relevé.\n\n"
            "Le maire, Dominique Peyrac, assume : « Le stationnement gratuit n'existe pas. »")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Sylvie Roumagnac", "Dominique Peyrac"]
    assert qs[1].cue == "assume"


def test_straight_quotes_with_inner_spaces_and_charges_after_pour(nlp) -> None:  # noqa: ANN001
    text = ('" Nous avons fait notre travail ", a déclaré le commissaire Yves Marchal. '
            "Le tribunal a condamné le gérant pour « abus de biens sociaux ».")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("Nous avons fait notre travail", "Yves Marchal")]


def test_quote_opening_a_paragraph_continues_the_last_subject(nlp) -> None:  # noqa: ANN001
    text = ("La directrice de l'école, Hélène Brun, a reçu les parents jeudi soir.\n\n"
            "« Nous ne fermerons aucune classe cette année. »")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Hélène Brun"]


def test_quote_carried_over_a_paragraph_without_reopening(nlp) -> None:  # noqa: ANN001
    text = ("Le président du syndicat, Marc Tessier, a pris la parole. « Nous irons jusqu'au bout.\n\n"
            "Personne ne nous fera reculer », a-t-il lancé.")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["Nous irons jusqu'au bout.", "Personne ne nous fera reculer"]
    assert {q.speaker for q in qs} == {"Marc Tessier"}


def test_quote_opening_a_paragraph_before_its_speaker(nlp) -> None:  # noqa: ANN001
    text = ("La crue a emporté trois maisons du hameau.\n\n"
            "« On a tout perdu en une nuit. » Jeanne Roux, 72 ans, ne décolère pas contre la préfecture.")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("On a tout perdu en une nuit.", "Jeanne Roux")]


def _parse_flags(text: str) -> list[tuple[str, bool]]:
    """Each quote-aware sentence of `text` and whether the fast path sends it to the parser."""
    from recoupe.quotes.component import needs_parse
    from recoupe.quotes.detect import find_mark_spans, split_incises, split_units
    from recoupe.quotes.lexicon import load_lexicon

    art = clean_article(RawDocument(file="p.txt", source_path="p.txt", text=text))
    lex = load_lexicon()
    view = art.analysis_text
    paragraphs = [(p.start, p.end) for p in art.paragraphs]
    spans = find_mark_spans(art.text, paragraphs)
    for sp in spans:
        split_incises(art.text, view, sp, lex)
    units = split_units(view, paragraphs, spans)
    return [(view[u.start : u.end], needs_parse(view, u, lex, spans)) for u in units]


def test_restrictive_ne_que_is_not_a_reported_clause(nlp) -> None:  # noqa: ANN001
    flags = _parse_flags("Sur le marché, on ne parlait que de la fermeture du site.\n\n"
                         "Le maire n'a pas dit que le site fermerait.\n\n"
                         "Le préfet a dit que le site fermerait.")
    assert [f for _, f in flags] == [False, True, True]
    reported = [q.text for q in indirect(run(nlp, "Sur le marché, on ne parlait que de la fermeture du site."))]
    assert reported == []


def test_verb_opening_a_quotation_is_not_a_postposed_cue(nlp) -> None:  # noqa: ANN001
    text = ("La porte-parole du collectif, Anne Durand, prévient : « Nous ne céderons pas. »\n\n"
            "« Nous irons jusqu'au bout », a promis Paul Martin, qui espère un accord avant l'été.\n\n"
            "Les travaux reprendront lundi, a précisé le maire de Lanvallec, Hervé Quéméner.")
    flags = _parse_flags(text)
    assert [f for _, f in flags] == [False, False, True]
    qs = run(nlp, text)
    assert [(q.kind, q.speaker) for q in qs] == [
        ("direct", "Anne Durand"), ("direct", "Paul Martin"), ("indirect", "Hervé Quéméner")]


def test_quotation_as_the_reported_clause_needs_no_parse(nlp) -> None:  # noqa: ANN001
    text = ("La directrice de l'usine, Claire Fabre, a assuré que « chaque salarié se verra proposer un poste ».\n\n"
            "Le syndicat a assuré que les salaires seraient maintenus jusqu'en juin.")
    assert [f for _, f in _parse_flags(text)] == [False, True]
    qs = run(nlp, text)
    assert [(q.kind, q.speaker_mention, q.text) for q in qs] == [
        ("direct", "Claire Fabre", "chaque salarié se verra proposer un poste"),
        ("indirect", "Le syndicat", "les salaires seraient maintenus jusqu'en juin")]


def test_words_in_an_adverbial_phrase_are_not_quotations(nlp) -> None:  # noqa: ANN001
    text = ("Le ministre a longuement parlé devant les « sages » du Conseil constitutionnel.\n\n"
            "Le gouvernement défend sa réforme face aux « gilets jaunes », très mobilisés samedi.\n\n"
            "La ministre de la Santé, Agnès Firmin, a appelé à « ne pas céder à la panique ».")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("ne pas céder à la panique", "Agnès Firmin")]


def test_a_relative_clause_keeps_its_own_speaker(nlp) -> None:  # noqa: ANN001
    text = ("Le gouvernement défend sa réforme face aux syndicats, qui dénoncent une « trahison » des engagements "
            "pris en 2023.")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["trahison"]
    assert qs[0].speaker != "gouvernement"


def test_pull_quote_takes_the_speaker_of_its_attributed_twin(nlp) -> None:  # noqa: ANN001
    text = ("La grève se durcit dans les raffineries.\n\n"
            "« Nous ne lâcherons rien »\n\n"
            "Lundi matin, devant le dépôt de Grandpuits, la secrétaire générale de la CGT, Sophie Binet, a pris la "
            "parole. « Nous ne lâcherons rien », a-t-elle martelé devant les grévistes.")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("Nous ne lâcherons rien", "Sophie Binet")] * 2
    assert qs[0].cue is None and qs[1].cue == "a-t-elle martelé"


def test_d_apres_ties_a_fragment_and_a_clause_to_their_source(nlp) -> None:  # noqa: ANN001
    text = ("Le mouvement est « massif », d'après la CGT.\n\n"
            "D'après le ministère de l'Intérieur, « 12 000 personnes » ont manifesté à Paris.\n\n"
            "D'après la préfecture du Rhône, les manifestants étaient 4 000 à Lyon.")
    qs = run(nlp, text)
    assert [(q.kind, q.text, q.speaker, q.cue) for q in qs] == [
        ("direct", "massif", "CGT", "d'après"),
        ("direct", "12 000 personnes", "ministère de l'Intérieur", "D'après"),
        ("indirect", "les manifestants étaient 4 000 à Lyon", "préfecture du Rhône", None)]


def test_organisation_name_keeps_its_elided_article(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, "Le ministère de l'Intérieur l'a confirmé mardi : « Nous renforçons les contrôles. »"))
    assert [(q.speaker, q.speaker_mention) for q in qs] == [("ministère de l'Intérieur", "Le ministère de l'Intérieur")]


def test_postposed_cue_with_an_inverted_pronoun_reports_the_clause(nlp) -> None:  # noqa: ANN001
    text = ("La porte-parole de la SNCF, Marie Dubois, était présente mardi à Rennes. Le trafic reprendra demain "
            "matin, précise-t-elle.\n\n"
            "Le directeur régional, Jean Leroux, l'a confirmé. Les trains de nuit seront maintenus, a-t-il ajouté.")
    qs = indirect(run(nlp, text))
    assert [(q.text, q.speaker, q.speaker_mention) for q in qs] == [
        ("Le trafic reprendra demain matin", "Marie Dubois", "elle"),
        ("Les trains de nuit seront maintenus", "Jean Leroux", "il")]


def test_comme_clause_names_the_source(nlp) -> None:  # noqa: ANN001
    text = ("Comme le rappelle l'économiste Thomas Piketty, « les inégalités se creusent ».\n\n"
            "La ministre Agnès Firmin était à Lyon mardi. Comme elle l'a rappelé, « rien n'est décidé ».\n\n"
            "Le texte, comme l'a souligné le Conseil d'État, « pose de sérieuses difficultés ».\n\n"
            "Le ministre de l'Économie, Bruno Le Maire, était à Lyon. Comme le ministre l'a rappelé, « rien ne "
            "presse ».")
    qs = run(nlp, text)
    assert [(q.kind, q.text, q.speaker, q.cue) for q in qs] == [
        ("direct", "les inégalités se creusent", "Thomas Piketty", "Comme le rappelle"),
        ("direct", "rien n'est décidé", "Agnès Firmin", "Comme elle l'a rappelé"),
        ("direct", "pose de sérieuses difficultés", "Conseil d'État", "comme l'a souligné"),
        ("direct", "rien ne presse", "Bruno Le Maire", "Comme le ministre l'a rappelé")]


def test_a_lone_capital_before_a_name_is_not_part_of_it(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, "« C'est un jour sombre », a réagi sur X Jordan Bardella, président du RN."))
    assert [(q.speaker, q.speaker_mention) for q in qs] == [("Jordan Bardella", "Jordan Bardella")]


def test_organisation_speaks_through_its_statement_and_platform(nlp) -> None:  # noqa: ANN001
    text = ("La préfecture du Nord a publié un texte mardi. « Les contrôles seront renforcés », précise le "
            "communiqué.\n\n"
            "« Les horaires ne changent pas », écrit la préfecture du Nord sur son site.\n\n"
            "Selon le texte de l'accord, l'équipe de nuit sera maintenue jusqu'en décembre.")
    qs = run(nlp, text)
    assert [(q.kind, q.speaker, q.speaker_mention) for q in qs] == [
        ("direct", "préfecture du Nord", "le communiqué"),
        ("direct", "préfecture du Nord", "la préfecture du Nord")]


def test_reported_clause_after_a_time_or_place_phrase(nlp) -> None:  # noqa: ANN001
    text = ("Le ministre de l'Économie, Bruno Le Maire, a estimé mardi soir que la réforme était nécessaire.\n\n"
            "Il a indiqué dans un communiqué que la dette devait baisser.\n\n"
            "Selon lui, la croissance reviendra avant l'été.\n\n"
            "Il a annoncé la fermeture du site que les salariés occupent depuis mardi.")
    qs = indirect(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [
        ("la réforme était nécessaire", "Bruno Le Maire"),
        ("la dette devait baisser", "Bruno Le Maire"),
        ("la croissance reviendra avant l'été", "Bruno Le Maire")]


def test_multi_word_and_opinion_verbs_report_a_clause(nlp) -> None:  # noqa: ANN001
    text = ("Le président, Emmanuel Macron, a laissé entendre qu'il pourrait dissoudre l'Assemblée.\n\n"
            "La Cour des comptes considère que la dette n'est pas maîtrisée.")
    qs = indirect(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [
        ("il pourrait dissoudre l'Assemblée", "Emmanuel Macron"),
        ("la dette n'est pas maîtrisée", "Cour des comptes")]


def test_three_word_cue(nlp) -> None:  # noqa: ANN001
    text = ("Le porte-parole du Kremlin, Dmitri Peskov, a mis en garde jeudi contre « toute ingérence ».\n\n"
            "« Ce serait une erreur », met en garde l'économiste Thomas Piketty.\n\n"
            "Le maire, Paul Dumas, a été mis en examen pour « favoritisme ».")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker, q.cue) for q in qs] == [
        ("toute ingérence", "Dmitri Peskov", "a mis en garde"),
        ("Ce serait une erreur", "Thomas Piketty", "met en garde")]


def test_faire_cues_and_the_whole_cue_of_indirect_speech(nlp) -> None:  # noqa: ANN001
    text = ("Le maire, Paul Dumas, a fait remarquer que la commune n'avait pas été consultée.\n\n"
            "La CGT a fait part de sa « profonde colère » après l'annonce.")
    qs = run(nlp, text)
    assert [(q.kind, q.text, q.speaker, q.cue) for q in qs] == [
        ("indirect", "la commune n'avait pas été consultée", "Paul Dumas", "fait remarquer"),
        ("direct", "profonde colère", "CGT", "a fait part")]


def test_quotation_opening_a_paragraph_before_a_role_and_name(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, "« Je suis fier de mon équipe. » L'entraîneur Didier Deschamps ne cachait pas sa joie."))
    assert [(q.text, q.speaker) for q in qs] == [("Je suis fier de mon équipe.", "Didier Deschamps")]


def test_naming_verb_and_passive_agent(nlp) -> None:  # noqa: ANN001
    text = ("Emmanuel Macron défend ce qu'il appelle « la France d'après ».\n\n"
            "La réforme, qualifiée de « brutale » par la CGT, sera votée mardi.")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker, q.speaker_mention) for q in qs] == [("brutale", "CGT", "la CGT")]


def test_stressed_word_inside_a_verb_group_is_not_a_quotation(nlp) -> None:  # noqa: ANN001
    text = ("Le député Paul Martin a « juste » demandé des explications au ministre.\n\n"
            "Le maire, Jean Dupont, s'est dit « soulagé » mardi.")
    qs = direct(run(nlp, text))
    assert [(q.text, q.speaker) for q in qs] == [("soulagé", "Jean Dupont")]


def test_articles_without_marks_or_cues_are_skipped_but_source_openings_are_read(nlp) -> None:  # noqa: ANN001
    silent = clean_article(RawDocument(file="s.txt", source_path="s.txt",
                                       text="Le conseil municipal a voté le budget mardi soir, à l'unanimité."))
    source = clean_article(RawDocument(file="p.txt", source_path="p.txt",
                                       text="Pour la CGT, cette réforme est profondément injuste."))
    qs = find_quotes([silent, source], nlp)
    assert [(q.file, q.kind, q.text, q.speaker) for q in qs] == [
        ("p.txt", "indirect", "cette réforme est profondément injuste", "CGT")]


def test_names_with_a_particle(nlp) -> None:  # noqa: ANN001
    text = ("Interrogé par Le Monde, le député Charles de Courson estime que « le texte est mal ficelé ». "
            "« Nous voterons contre », a ajouté M. de Courson.\n\n"
            "« Je ne regrette rien », a déclaré Valéry Giscard d'Estaing.\n\n"
            "« Nous voterons pour », a déclaré Jean-Luc Mélenchon de La France insoumise.")
    qs = direct(run(nlp, text))
    assert [q.speaker for q in qs] == ["Charles de Courson", "Charles de Courson", "Valéry Giscard d'Estaing",
                                       "Jean-Luc Mélenchon"]


def test_colon_after_an_idiom_goes_to_the_sentence_subject(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, "La sénatrice Nathalie Goulet n'a pas mâché ses mots : « C'est un scandale d'État. »"))
    assert [(q.text, q.speaker) for q in qs] == [("C'est un scandale d'État.", "Nathalie Goulet")]


def test_selon_qui_goes_to_the_antecedent(nlp) -> None:  # noqa: ANN001
    qs = direct(run(nlp, "Le ministre Éric Lombard, selon qui « la dette est un danger », a présenté le budget."))
    assert [(q.text, q.speaker, q.speaker_mention) for q in qs] == [
        ("la dette est un danger", "Éric Lombard", "Éric Lombard")]


def test_capitalised_title_inside_a_sentence_is_not_a_quotation(nlp) -> None:  # noqa: ANN001
    text = ("La romancière Mariama Bâ a écrit « Une si longue lettre » en 1979.\n\n"
            "Les syndicats ont appelé à une journée « France morte » jeudi.\n\n"
            "La ministre Agnès Firmin a salué « un premier pas ».\n\n"
            "Le maire, Jean Dupont, a déclaré : « Les mensonges du préfet doivent cesser. »")
    qs = direct(run(nlp, text))
    assert [q.text for q in qs] == ["un premier pas", "Les mensonges du préfet doivent cesser."]
