#include "tests/bench/corpus.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>
#include <utility>

namespace bibia::bench {
namespace {

// ---------------------------------------------------------------------------
// Word lists. Entries are separated by whitespace and listed from the most to
// the least frequent (the rank drives a Zipf law). In an entry, '_' stands for
// a space (multi-word expressions) and '/' separates explicit forms of one
// lemma; an entry without '/' is inflected by the rules below (plural of
// nouns, feminine and plural of adjectives, present and participle of -er
// verbs).
// ---------------------------------------------------------------------------

constexpr std::string_view kDeterminers =
    "la le les des une un du ce cette ces leur leurs chaque plusieurs certains nos";

constexpr std::string_view kPrepositions =
    "de pour dans sur avec par à en entre selon vers depuis sans grâce_à auprès_des autour_de lors_de "
    "pendant avant après chez contre";

constexpr std::string_view kConjunctions = "et ou mais puis ainsi_que tandis_que car donc afin_de lorsque";

constexpr std::string_view kAuxiliaries =
    "est sont a ont peut peuvent sera seront était doit doivent permet permettent va vont";

constexpr std::string_view kAdverbs =
    "notamment également rapidement automatiquement progressivement directement aujourd'hui désormais déjà "
    "ensuite enfin fortement nettement largement régulièrement quotidiennement davantage mieux encore aussi "
    "très plus moins environ près finalement précisément simplement actuellement initialement concrètement "
    "significativement localement partiellement entièrement";

constexpr std::string_view kGenericNouns =
    "projet données outil service solution modèle collectivité ville commune territoire habitant agent "
    "équipe algorithme système plateforme analyse suivi gestion objectif expérimentation déploiement usager "
    "résultat méthode approche application besoin phase étude prototype indicateur carte capteur image "
    "prévision détection classification estimation optimisation automatisation qualité coût temps délai "
    "jour semaine mois année partenaire prestataire entreprise laboratoire université chercheur expert élu "
    "décision règle cadre gouvernance éthique transparence confiance risque biais erreur fiabilité précision "
    "performance évaluation impact bilan retour expérience usage fonctionnalité alerte notification demande "
    "réponse question document rapport fichier base source format volume flux infrastructure serveur "
    "hébergement calcul sobriété frugalité apprentissage entraînement annotation échantillon variable "
    "paramètre seuil score niveau zone secteur quartier site lieu bâtiment équipement matériel logiciel code "
    "licence marché financement subvention interface tableau_de_bord historique série tendance anomalie "
    "priorité programme stratégie politique action mission métier compétence formation accompagnement "
    "médiation citoyen population ménage famille enfant jeune senior commerce acteur partenariat consortium "
    "région département État Europe innovation recherche développement version test essai pilote "
    "preuve_de_concept cas contexte exemple difficulté limite obstacle levier facteur condition critère valeur "
    "mesure chiffre pourcentage taux nombre moyenne variation pic saison hiver été printemps automne matin "
    "soir nuit période horizon échéance calendrier étape point aspect dimension principe démarche intervention "
    "opération ressource moyen budget économie gain réduction augmentation baisse hausse charge travail/travaux "
    "personnel direction pôle cellule comité instance conseil atelier réunion groupe communauté association "
    "fournisseur contrat convention accord engagement charte référentiel norme standard protocole "
    "architecture brique composant module fonction tâche traitement requête recherche_documentaire "
    "visualisation représentation carte_interactive graphique statistique probabilité incertitude "
    "explicabilité supervision contrôle validation correction mise_à_jour maintenance_applicative "
    "réutilisation mutualisation diffusion publication ouverture accès droit obligation conformité RGPD "
    "sécurité confidentialité anonymisation consentement information communication sensibilisation "
    "appropriation adhésion satisfaction retour_d'expérience enseignement leçon recommandation perspective "
    "suite extension généralisation passage_à_l'échelle industrialisation pérennisation";

constexpr std::string_view kGenericAdjectives =
    "numérique public/publique/publics/publiques local territorial nouveau/nouvelle/nouveaux/nouvelles "
    "automatique intelligent prédictif disponible important fiable précis/précise/précis/précises ouvert "
    "urbain rural municipal métropolitain régional national européen simple complexe rapide efficace durable "
    "responsable sensible anonyme massif significatif collectif quotidien mensuel annuel hebdomadaire global "
    "technique opérationnel expérimental environnemental social économique énergétique écologique "
    "climatique géographique spatial temporel historique réel virtuel précoce faible fort élevé réduit limité "
    "adapté dédié connecté partagé intégré ciblé optimisé mesuré estimé prévu moyen grand petit premier "
    "dernier principal essentiel possible nécessaire utile pertinent cohérent efficient innovant participatif "
    "citoyen accessible lisible transparent explicable robuste frugal sobre complet/complète/complets/complètes "
    "manuel préventif correctif continu régulier/régulière/réguliers/régulières "
    "annoté entraîné supervisé fin/fine/fins/fines détaillé fréquent rare critique prioritaire "
    "administratif juridique financier/financière/financiers/financières humain/humaine/humains/humaines "
    "concret/concrète/concrets/concrètes multiple divers/diverse/divers/diverses nombreux/nombreuse/nombreux/nombreuses "
    "coûteux/coûteuse/coûteux/coûteuses souverain interne externe commun/commune/communs/communes";

constexpr std::string_view kGenericVerbs =
    "utiliser analyser détecter prévoir/prévoit/prévoient/prévu optimiser améliorer identifier estimer "
    "mesurer suivre/suit/suivent/suivi signaler alerter classer trier collecter croiser exploiter entraîner "
    "annoter tester déployer/déploie/déploient/déployé développer concevoir/conçoit/conçoivent/conçu "
    "accompagner réduire/réduit/réduisent limiter anticiper prioriser planifier cartographier modéliser "
    "simuler calculer visualiser partager publier ouvrir/ouvre/ouvrent/ouvert automatiser faciliter aider "
    "informer orienter recommander générer rédiger traiter gérer intégrer adapter évaluer valider contrôler "
    "surveiller repérer localiser compter quantifier comparer expliquer documenter mutualiser financer lancer "
    "piloter associer impliquer consulter répondre/répond/répondent/répondu recevoir/reçoit/reçoivent/reçu "
    "proposer permettre/permis fournir/fournit/fournissent/fourni produire/produit/produisent "
    "obtenir/obtient/obtiennent/obtenu établir/établit/établissent/établi choisir/choisit/choisissent/choisi "
    "montrer démontrer confirmer constater observer noter relever économiser diminuer augmenter baisser "
    "progresser dépasser atteindre/atteint/atteignent transformer moderniser fiabiliser sécuriser former "
    "sensibiliser co-construire/co-construit/co-construisent recenser inventorier hiérarchiser filtrer "
    "regrouper agréger corriger nettoyer enrichir exposer héberger entraîner réentraîner superviser";

constexpr std::string_view kTitleActions =
    "Détection Prévision Optimisation Analyse Suivi Réduction Cartographie Classification Estimation "
    "Surveillance Anticipation Modélisation Automatisation Priorisation Identification Pilotage Mesure "
    "Simulation Planification Assistant Outil Plateforme Tableau_de_bord Repérage Diagnostic Inventaire "
    "Comptage Gestion Tri_automatique Aide_à_la_décision";

constexpr std::string_view kTitleMethods =
    "par_apprentissage_automatique grâce_à_l'intelligence_artificielle par_images_satellite "
    "à_partir_de_capteurs par_vision_par_ordinateur avec_des_modèles_prédictifs par_analyse_de_données "
    "à_l'aide_de_l'IA par_apprentissage_profond avec_un_jumeau_numérique par_imagerie_aérienne "
    "à_partir_des_données_ouvertes par_traitement_du_langage avec_des_capteurs_connectés "
    "par_télédétection par_croisement_de_données";

// Techniques (about 30), most used first.
constexpr std::string_view kTechniques =
    "apprentissage_automatique vision_par_ordinateur séries_temporelles traitement_automatique_du_langage "
    "apprentissage_profond détection_d'anomalies forêts_aléatoires gradient_boosting régression_linéaire "
    "modèles_de_langage IA_générative réseaux_de_neurones classification_supervisée segmentation_d'images "
    "reconnaissance_optique_de_caractères clustering optimisation_combinatoire recherche_opérationnelle "
    "jumeau_numérique télédétection analyse_spatiale lidar Internet_des_objets agent_conversationnel "
    "recherche_sémantique apprentissage_par_renforcement prévision_probabiliste reconnaissance_vocale "
    "graphes_de_connaissances systèmes_multi-agents simulation_de_trafic";

constexpr std::string_view kGenericTags =
    "intelligence_artificielle données_ouvertes IA innovation territoire_intelligent sobriété_numérique "
    "algorithme_public RGPD smart_city open_data transition_numérique mutualisation";

struct DomainTheme {
  v1::Domain domain;
  double weight;  // share of projects
  std::string_view words;
};

// Theme vocabulary per domain; the first entries are the most frequent.
constexpr DomainTheme kThemes[] = {
    {v1::DOMAIN_WATER, 12,
     "eau réseau fuite canalisation eau_potable compteur consommation_d'eau assainissement pression débit "
     "réseau_d'eau fuites_d'eau télérelève eaux_usées station_d'épuration nappe nappe_phréatique rivière crue "
     "pluie eaux_pluviales qualité_de_l'eau turbidité chlore rendement_du_réseau perte sectorisation réservoir "
     "irrigation sécheresse ressource_en_eau captage bassin_versant hydrologie étiage forage pompage "
     "branchement abonné facturation surconsommation hydraulique capteur_acoustique écoute_acoustique "
     "conduite vanne château_d'eau ruissellement inondation submersion piézomètre prélèvement potabilisation "
     "dessalement hydrocurage"},
    {v1::DOMAIN_MOBILITY, 11,
     "mobilité trafic bus tramway vélo piste_cyclable stationnement parking covoiturage transports_en_commun "
     "fréquentation congestion carrefour feux_tricolores piéton itinéraire temps_de_parcours "
     "transport_à_la_demande horaire ligne_de_bus voyageur trottinette zone_à_faibles_émissions comptage "
     "accident sécurité_routière livraison logistique place_de_stationnement borne_de_recharge "
     "véhicule_électrique navette navette_autonome billettique correspondance réseau_de_transport "
     "autopartage intermodalité déplacement origine-destination flux_de_voyageurs vitesse bouchon "
     "signalisation_dynamique gare station voie_réservée plan_de_mobilité mobilité_douce"},
    {v1::DOMAIN_WASTE, 9,
     "déchets collecte tri recyclage benne bac conteneur point_d'apport_volontaire taux_de_remplissage tournée "
     "camion encombrant dépôt_sauvage biodéchets compost compostage composteur centre_de_tri emballage verre "
     "papier ordures_ménagères déchetterie valorisation erreur_de_tri plastique filière réemploi "
     "méthanisation incinération gaspillage gaspillage_alimentaire économie_circulaire redevance_incitative "
     "pesée_embarquée caractérisation refus_de_tri propreté dépôts_sauvages nettoiement balayage "
     "corbeille mégot collecte_des_déchets tri_sélectif"},
    {v1::DOMAIN_ENERGY, 10,
     "énergie consommation_énergétique électricité photovoltaïque panneau_solaire/panneaux_solaires solaire toiture "
     "cadastre_solaire chauffage réseau_de_chaleur bâtiment_public rénovation_énergétique "
     "précarité_énergétique thermique isolation déperdition thermographie pic_de_consommation smart_grid "
     "autoconsommation éolien production_d'électricité compteur_communicant Linky effacement "
     "gestion_technique_du_bâtiment chaudière performance_énergétique diagnostic flexibilité hydrogène "
     "batterie stockage éclairage_public facture_énergétique ventilation climatisation température "
     "sobriété_énergétique gisement_solaire ensoleillement onduleur puissance kilowattheure biomasse "
     "géothermie pompe_à_chaleur"},
    {v1::DOMAIN_MAINTENANCE, 10,
     "maintenance voirie chaussée nid-de-poule fissure éclairage éclairage_public candélabre lampadaire "
     "patrimoine ascenseur chaufferie panne défaillance intervention maintenance_prédictive usure pont "
     "ouvrage_d'art signalisation marquage trottoir équipement inspection état_des_routes dégradation "
     "relevé véhicule flotte atelier gestion_patrimoniale vibration corrosion graffiti ravalement "
     "revêtement enrobé bordure mobilier_urbain aire_de_jeux espace_vert élagage arbre_d'alignement "
     "toiture fuite_de_toiture diagnostic_de_chaussée auscultation orniérage"},
    {v1::DOMAIN_PUBLIC_SERVICES, 8,
     "cantine restauration_scolaire repas école élève menu gaspillage_alimentaire gaspillage alimentaire "
     "accueil guichet état_civil relation_usager courrier démarche formulaire crèche place_en_crèche "
     "bibliothèque médiathèque piscine périscolaire prévision_des_effectifs fréquentation rendez-vous "
     "file_d'attente téléphone centre_d'appels démarche_en_ligne inscription effectif cuisine_centrale "
     "approvisionnement denrée produit_local bio pesée restes_alimentaires commande_de_repas "
     "portail_famille accueil_de_loisirs transport_scolaire calendrier_scolaire prévision cantines"},
    {v1::DOMAIN_ECOLOGICAL_TRANSITION, 9,
     "pollution air qualité_de_l'air biodiversité climat carbone émissions îlot_de_chaleur végétalisation "
     "arbre canopée espace_vert trame_verte sol artificialisation adaptation sobriété bilan_carbone "
     "inventaire faune flore espèce zone_humide pollinisateur forêt sécheresse canicule risque_inondation "
     "ruissellement gaz_à_effet_de_serre renaturation plan_climat capteur_de_pollution ozone particules "
     "particules_fines dioxyde_d'azote atmosphère indice_ATMO pollen bruit nuisances_sonores "
     "îlots_de_chaleur fraîcheur ombrage désimperméabilisation continuité_écologique"},
    {v1::DOMAIN_URBAN_PLANNING, 7,
     "urbanisme permis_de_construire plan_local_d'urbanisme PLU cadastre parcelle foncier friche logement "
     "densité occupation_des_sols imagerie_aérienne orthophotographie bâti construction "
     "construction_illégale piscine_non_déclarée jumeau_numérique maquette_3D aménagement quartier "
     "espace_public zone_d'activité instruction autorisation_d'urbanisme déclaration_préalable "
     "consommation_d'espace étalement_urbain vacance division_parcellaire morphologie hauteur gabarit "
     "servitude zonage projet_urbain rénovation_urbaine"},
    {v1::DOMAIN_HEALTH_SOCIAL, 6,
     "santé action_sociale personnes_âgées aide_sociale non-recours droits isolement canicule vulnérable "
     "RSA allocataire CCAS hébergement_d'urgence maintien_à_domicile handicap autonomie prévention "
     "dépistage médecin désert_médical épidémie surveillance_sanitaire eaux_usées aidant solidarité "
     "insertion emploi logement_social précarité accompagnement_social travailleur_social orientation "
     "ouverture_de_droits fragilité"},
    {v1::DOMAIN_SECURITY, 5,
     "sécurité vidéoprotection caméra police_municipale incident incendie feu_de_forêt secours pompier "
     "risque crise alerte vigilance surveillance rassemblement foule sécurité_routière délinquance "
     "prévention intervention appel_d'urgence main_courante patrouille risque_naturel plan_communal_de_sauvegarde "
     "évacuation départ_de_feu"},
    {v1::DOMAIN_CULTURE_TOURISM, 5,
     "tourisme touriste culture musée archives patrimoine_culturel fréquentation_touristique office_de_tourisme "
     "événement festival/festivals numérisation fonds_documentaire manuscrit transcription visiteur hébergement "
     "saisonnalité monument collection médiation_culturelle itinéraire_touristique plage billetterie "
     "affluence exposition spectacle lecture_publique généalogie registre_paroissial"},
    {v1::DOMAIN_CITIZEN_PARTICIPATION, 4,
     "participation concertation consultation budget_participatif contribution avis_des_habitants "
     "démocratie_locale conseil_de_quartier pétition signalement réclamation enquête_publique débat "
     "synthèse_des_contributions proposition vote plateforme_participative doléance dialogue_citoyen "
     "association habitants questionnaire verbatim analyse_des_avis"},
    {v1::DOMAIN_ADMINISTRATION, 4,
     "administration courrier délibération acte_administratif marché_public facture comptabilité "
     "ressources_humaines recrutement budget dépense archives document dématérialisation automatisation "
     "agent paie subvention contrat gestion_électronique_des_documents recherche_documentaire assistant "
     "rédaction synthèse compte_rendu conseil_municipal note messagerie tri_du_courrier "
     "réponse_aux_usagers mandatement bon_de_commande"},
};

struct StatusWeight {
  v1::Status status;
  double weight;
};
constexpr StatusWeight kStatuses[] = {
    {v1::STATUS_IDEA, 8}, {v1::STATUS_EXPERIMENT, 30}, {v1::STATUS_PILOT, 22},
    {v1::STATUS_PRODUCTION, 32}, {v1::STATUS_STOPPED, 8}};

struct Region {
  std::string_view name;
  std::string_view cities;  // largest first; '|' separated
  std::string_view departments;  // full collectivity names, '|' separated
};
constexpr Region kRegions[] = {
    {"Île-de-France",
     "Paris|Boulogne-Billancourt|Saint-Denis|Argenteuil|Montreuil|Nanterre|Vitry-sur-Seine|Créteil|Versailles|"
     "Courbevoie|Colombes|Aulnay-sous-Bois|Rueil-Malmaison|Champigny-sur-Marne|Saint-Maur-des-Fossés|"
     "Issy-les-Moulineaux|Évry-Courcouronnes|Cergy|Meaux|Melun",
     "Département de la Seine-Saint-Denis|Département de l'Essonne"},
    {"Auvergne-Rhône-Alpes",
     "Lyon|Grenoble|Saint-Étienne|Villeurbanne|Clermont-Ferrand|Annecy|Chambéry|Valence|Vénissieux|"
     "Bourg-en-Bresse|Roanne|Aurillac|Vichy|Montluçon|Le Puy-en-Velay",
     "Département du Rhône|Département de l'Isère"},
    {"Provence-Alpes-Côte d'Azur",
     "Marseille|Nice|Toulon|Aix-en-Provence|Avignon|Antibes|Cannes|La Seyne-sur-Mer|Hyères|Fréjus|Arles|Gap|"
     "Digne-les-Bains|Martigues",
     "Département des Bouches-du-Rhône|Département des Alpes-Maritimes"},
    {"Occitanie",
     "Toulouse|Montpellier|Nîmes|Perpignan|Béziers|Narbonne|Albi|Carcassonne|Tarbes|Sète|Castres|Rodez|"
     "Montauban|Auch|Cahors",
     "Département de la Haute-Garonne|Département de l'Hérault"},
    {"Nouvelle-Aquitaine",
     "Bordeaux|Limoges|Poitiers|Pau|La Rochelle|Mérignac|Pessac|Niort|Bayonne|Angoulême|Périgueux|"
     "Brive-la-Gaillarde|Agen|Mont-de-Marsan|Biarritz",
     "Département de la Gironde|Département des Landes"},
    {"Hauts-de-France",
     "Lille|Amiens|Roubaix|Tourcoing|Dunkerque|Calais|Villeneuve-d'Ascq|Valenciennes|Boulogne-sur-Mer|Arras|"
     "Douai|Lens|Beauvais|Compiègne|Saint-Quentin",
     "Département du Nord|Département du Pas-de-Calais"},
    {"Grand Est",
     "Strasbourg|Reims|Metz|Mulhouse|Nancy|Colmar|Troyes|Charleville-Mézières|Châlons-en-Champagne|Épinal|"
     "Thionville|Haguenau",
     "Collectivité européenne d'Alsace|Département de la Moselle"},
    {"Pays de la Loire",
     "Nantes|Angers|Le Mans|Saint-Nazaire|Cholet|La Roche-sur-Yon|Laval|Saint-Herblain|Rezé|Saumur",
     "Département de la Loire-Atlantique|Département de la Vendée"},
    {"Bretagne", "Rennes|Brest|Quimper|Lorient|Vannes|Saint-Malo|Saint-Brieuc|Lannion|Fougères|Concarneau",
     "Département d'Ille-et-Vilaine|Département du Finistère"},
    {"Normandie",
     "Rouen|Caen|Le Havre|Cherbourg-en-Cotentin|Évreux|Dieppe|Alençon|Lisieux|Saint-Lô|Vernon",
     "Département du Calvados|Département de la Seine-Maritime"},
    {"Bourgogne-Franche-Comté",
     "Dijon|Besançon|Belfort|Chalon-sur-Saône|Nevers|Auxerre|Mâcon|Montbéliard|Sens|Dole",
     "Département de la Côte-d'Or|Département du Doubs"},
    {"Centre-Val de Loire",
     "Tours|Orléans|Bourges|Blois|Châteauroux|Chartres|Joué-lès-Tours|Vierzon|Dreux|Montargis",
     "Département du Loiret|Département d'Indre-et-Loire"},
    {"Corse", "Ajaccio|Bastia|Porto-Vecchio|Corte|Calvi|Propriano", "Collectivité de Corse|Département de la Haute-Corse"},
};

// Sentence patterns: D determiner, N generic noun, T theme noun, A adjective,
// V verb, P preposition, C conjunction, R adverb, X technique, Y number or
// year, L the collectivity's city, U auxiliary.
constexpr std::string_view kPatterns[] = {
    "DNAVDTPDT",    "DTUVRDNAPDT", "PDNYDLVDNPX",  "DXVDTCDTA",   "DNPDTUAPDNA", "RDTVDNPX",
    "DNVDTAPDNCDT", "DLVDNPDTA",   "PYDTUVPDNAR", "DNDTVDNPDTY", "DTCDTUAPDN",  "DNADTVRDXPDT",
    "LUVDNPDTADT",  "DNPXUVDTA"};

// ---------------------------------------------------------------------------

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Underscores(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::vector<std::string_view> Entries(std::string_view list) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && list[i] == ' ') ++i;
    size_t start = i;
    while (i < list.size() && list[i] != ' ') ++i;
    if (i > start) out.push_back(list.substr(start, i - start));
  }
  return out;
}

std::string NounPlural(const std::string& w) {
  if (EndsWith(w, "s") || EndsWith(w, "x") || EndsWith(w, "z")) return w;
  if (EndsWith(w, "eau") || EndsWith(w, "au") || EndsWith(w, "eu")) return w + "x";
  if (EndsWith(w, "al")) return w.substr(0, w.size() - 2) + "aux";
  return w + "s";
}

std::vector<std::string> AdjectiveForms(const std::string& m) {
  std::string f;
  std::string mpl = NounPlural(m);
  if (EndsWith(m, "e")) {
    f = m;
  } else if (EndsWith(m, "if")) {
    f = m.substr(0, m.size() - 2) + "ive";
  } else if (EndsWith(m, "el") || EndsWith(m, "en") || EndsWith(m, "on")) {
    f = m + m.substr(m.size() - 1) + "e";
  } else if (EndsWith(m, "eux")) {
    f = m.substr(0, m.size() - 1) + "se";
  } else if (EndsWith(m, "er")) {
    f = m.substr(0, m.size() - 2) + "ère";
  } else {
    f = m + "e";
  }
  return {m, f, mpl, f + "s"};
}

std::vector<std::string> VerbForms(const std::string& inf) {
  if (!EndsWith(inf, "er")) return {inf};
  std::string stem = inf.substr(0, inf.size() - 2);
  return {inf, stem + "e", stem + "ent", stem + "é", stem + "és"};
}

enum class Kind { kPlain, kNoun, kAdjective, kVerb };

struct Lemma {
  std::vector<std::string> forms;
};

// A Zipf-distributed list of lemmas: rank r (from 0) has weight 1/(r+q)^s.
class WordList {
 public:
  WordList() = default;
  WordList(std::string_view source, Kind kind, double s = 1.0, double q = 1.0) {
    std::set<std::string> seen;
    for (std::string_view entry : Entries(source)) {
      Lemma lemma;
      if (entry.find('/') != std::string_view::npos) {
        for (std::string_view form : SplitOn(entry, '/')) lemma.forms.push_back(Underscores(form));
      } else {
        std::string word = Underscores(entry);
        const bool phrase = word.find(' ') != std::string::npos;
        if (phrase || kind == Kind::kPlain) {
          lemma.forms = {word};
        } else if (kind == Kind::kNoun) {
          lemma.forms = {word};
          if (std::string pl = NounPlural(word); pl != word) lemma.forms.push_back(pl);
        } else if (kind == Kind::kAdjective) {
          lemma.forms = AdjectiveForms(word);
        } else {
          lemma.forms = VerbForms(word);
        }
      }
      if (!seen.insert(lemma.forms.front()).second) continue;  // duplicate entry
      lemmas_.push_back(std::move(lemma));
    }
    double total = 0;
    for (size_t r = 0; r < lemmas_.size(); ++r) {
      total += 1.0 / std::pow(static_cast<double>(r) + q, s);
      cumulative_.push_back(total);
    }
    for (double& c : cumulative_) c /= total;
  }

  size_t size() const { return lemmas_.size(); }
  const Lemma& lemma(size_t i) const { return lemmas_[i]; }

  size_t SampleIndex(Rng& rng) const {
    double u = rng.Uniform();
    size_t i = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
    return std::min(i, lemmas_.size() - 1);
  }

  // A form of a Zipf-chosen lemma: the base form 70% of the time.
  const std::string& Sample(Rng& rng) const {
    const Lemma& l = lemmas_[SampleIndex(rng)];
    if (l.forms.size() == 1 || rng.Chance(0.7)) return l.forms.front();
    return l.forms[1 + rng.Below(l.forms.size() - 1)];
  }

  const std::string& Base(Rng& rng) const { return lemmas_[SampleIndex(rng)].forms.front(); }

  void CollectForms(std::set<std::string>* out) const {
    for (const Lemma& l : lemmas_) {
      for (const std::string& f : l.forms) {
        size_t start = 0;
        while (start < f.size()) {  // split phrases into words
          size_t end = f.find(' ', start);
          if (end == std::string::npos) end = f.size();
          if (end > start) out->insert(f.substr(start, end - start));
          start = end + 1;
        }
      }
    }
  }

 private:
  std::vector<Lemma> lemmas_;
  std::vector<double> cumulative_;
};

// Cumulative weights of a small fixed set (domains, statuses).
class Weighted {
 public:
  void Add(double w) {
    total_ += w;
    cumulative_.push_back(total_);
  }
  size_t Sample(Rng& rng) const {
    double u = rng.Uniform() * total_;
    size_t i = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
    return std::min(i, cumulative_.size() - 1);
  }

 private:
  double total_ = 0;
  std::vector<double> cumulative_;
};

uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Upper-cases the first letter (ASCII or Latin-1 lower-case letters).
std::string Capitalize(std::string s) {
  if (s.empty()) return s;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (c0 >= 'a' && c0 <= 'z') {
    s[0] = static_cast<char>(c0 - 'a' + 'A');
  } else if (c0 == 0xC3 && s.size() > 1) {
    unsigned char c1 = static_cast<unsigned char>(s[1]);
    // U+00E0..U+00FE (except ÷ U+00F7) -> minus 0x20; second byte 0xA0..0xBE.
    if (c1 >= 0xA0 && c1 <= 0xBE && c1 != 0xB7) s[1] = static_cast<char>(c1 - 0x20);
  }
  return s;
}

// "des " before a plural, "de l'" before a vowel, else "de " (the lists do
// not record gender, so no du / de la).
std::string TitleJoin(const std::string& object) {
  const std::string first = object.substr(0, object.find(' '));
  if (EndsWith(first, "s") || EndsWith(first, "x")) return "des ";
  const unsigned char c = object.empty() ? 'x' : static_cast<unsigned char>(object[0]);
  if (std::string_view("aeiouyh").find(static_cast<char>(c)) != std::string_view::npos || c == 0xC3) {
    return "de l'";
  }
  return "de ";
}

size_t CountWords(const std::string& s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace

// ---------------------------------------------------------------------------

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (uint64_t& s : s_) s = SplitMix64(&x);
}

uint64_t Rng::Next() {
  const auto rotl = [](uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t Rng::Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)) % n; }

int Rng::Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }

struct CorpusGenerator::Tables {
  WordList determiners{kDeterminers, Kind::kPlain, 1.0, 1.0};
  WordList prepositions{kPrepositions, Kind::kPlain, 1.1, 1.0};
  WordList conjunctions{kConjunctions, Kind::kPlain, 1.2, 1.0};
  WordList auxiliaries{kAuxiliaries, Kind::kPlain, 1.0, 1.0};
  WordList adverbs{kAdverbs, Kind::kPlain, 1.0, 2.0};
  WordList nouns{kGenericNouns, Kind::kNoun, 1.0, 2.0};
  WordList adjectives{kGenericAdjectives, Kind::kAdjective, 1.0, 2.0};
  WordList verbs{kGenericVerbs, Kind::kVerb, 1.0, 2.0};
  WordList actions{kTitleActions, Kind::kPlain, 0.9, 1.0};
  WordList methods{kTitleMethods, Kind::kPlain, 0.8, 1.0};
  WordList techniques{kTechniques, Kind::kPlain, 0.9, 2.0};
  WordList generic_tags{kGenericTags, Kind::kPlain, 1.0, 1.0};
  std::vector<WordList> themes;
  Weighted domain_weights;
  Weighted status_weights;
  struct Collectivity {
    std::string name;
    std::string city;
    std::string region;
  };
  std::vector<Collectivity> collectivities;
  std::vector<double> collectivity_cumulative;

  Tables() {
    for (const DomainTheme& t : kThemes) {
      themes.emplace_back(t.words, Kind::kNoun, 1.0, 1.5);
      domain_weights.Add(t.weight);
    }
    for (const StatusWeight& s : kStatuses) status_weights.Add(s.weight);
    // Collectivities, roughly by size: metropolises, cities, agglomerations,
    // departments, regions. ~300 in all.
    std::vector<Collectivity> metropolises, cities, agglomerations, departments, regions;
    for (const Region& r : kRegions) {
      std::vector<std::string_view> names = SplitOn(r.cities, '|');
      for (size_t i = 0; i < names.size(); ++i) {
        std::string city(names[i]);
        if (i < 2 && r.name != "Corse") metropolises.push_back({city + " Métropole", city, std::string(r.name)});
        const bool vowel = city[0] == 'A' || city[0] == 'E' || city[0] == 'I' || city[0] == 'O' ||
                           city[0] == 'U' || static_cast<unsigned char>(city[0]) == 0xC3;  // É
        cities.push_back({std::string("Ville ") + (vowel ? "d'" : "de ") + city, city, std::string(r.name)});
        if (i >= 1 && i < 9) {
          agglomerations.push_back({std::string("Communauté d'agglomération ") + (vowel ? "d'" : "de ") + city,
                                    city, std::string(r.name)});
        }
      }
      for (std::string_view d : SplitOn(r.departments, '|')) {
        departments.push_back({std::string(d), std::string(names.front()), std::string(r.name)});
      }
      regions.push_back({"Région " + std::string(r.name), std::string(names.front()), std::string(r.name)});
    }
    // Interleave so that the Zipf head mixes kinds and regions.
    for (auto* group : {&metropolises, &cities, &agglomerations, &departments, &regions}) {
      for (auto& c : *group) collectivities.push_back(std::move(c));
    }
    // Deterministic shuffle of the tail beyond the metropolises so that ranks
    // do not follow the alphabet of regions.
    Rng shuffle(0x5eed);
    for (size_t i = collectivities.size() - 1; i > metropolises.size(); --i) {
      size_t j = metropolises.size() + shuffle.Below(i - metropolises.size() + 1);
      std::swap(collectivities[i], collectivities[j]);
    }
    double total = 0;
    for (size_t r = 0; r < collectivities.size(); ++r) {
      total += 1.0 / std::pow(static_cast<double>(r) + 3.0, 0.8);
      collectivity_cumulative.push_back(total);
    }
    for (double& c : collectivity_cumulative) c /= total;
  }

  const Collectivity& SampleCollectivity(Rng& rng) const {
    double u = rng.Uniform();
    size_t i = std::upper_bound(collectivity_cumulative.begin(), collectivity_cumulative.end(), u) -
               collectivity_cumulative.begin();
    return collectivities[std::min(i, collectivities.size() - 1)];
  }

  // A theme word: mostly the project's own domain, sometimes another one.
  const std::string& Theme(size_t domain_index, Rng& rng) const {
    if (rng.Chance(0.15)) return themes[rng.Below(themes.size())].Sample(rng);
    return themes[domain_index].Sample(rng);
  }
};

CorpusGenerator::CorpusGenerator(uint64_t seed) : seed_(seed), tables_(std::make_unique<Tables>()) {}
CorpusGenerator::~CorpusGenerator() = default;

size_t CorpusGenerator::vocabulary_forms() const {
  std::set<std::string> forms;
  const Tables& t = *tables_;
  for (const WordList* l : {&t.determiners, &t.prepositions, &t.conjunctions, &t.auxiliaries, &t.adverbs, &t.nouns,
                            &t.adjectives, &t.verbs, &t.actions, &t.methods, &t.techniques,
                            &t.generic_tags}) {
    l->CollectForms(&forms);
  }
  for (const WordList& l : t.themes) l.CollectForms(&forms);
  return forms.size();
}

size_t CorpusGenerator::collectivity_count() const { return tables_->collectivities.size(); }
size_t CorpusGenerator::technique_count() const { return tables_->techniques.size(); }

v1::Project CorpusGenerator::Make(int index) const {
  const Tables& t = *tables_;
  uint64_t mix = seed_ ^ (static_cast<uint64_t>(index) * 0x9e3779b97f4a7c15ULL);
  Rng rng(SplitMix64(&mix));

  v1::Project project;
  v1::ProjectPublic* p = project.mutable_public_();
  char id[32];
  std::snprintf(id, sizeof id, "p-%06d", index);
  p->set_id(id);

  const size_t domain_index = t.domain_weights.Sample(rng);
  p->set_domain(kThemes[domain_index].domain);
  p->set_status(kStatuses[t.status_weights.Sample(rng)].status);
  const Tables::Collectivity& coll = t.SampleCollectivity(rng);
  p->mutable_collectivity()->set_name(coll.name);
  p->mutable_collectivity()->set_region(coll.region);

  // Techniques (1-3, distinct).
  const int technique_count = rng.Between(1, 3);
  for (int attempt = 0; attempt < 20 && p->techniques_size() < technique_count; ++attempt) {
    const std::string& tech = t.techniques.Base(rng);
    if (std::find(p->techniques().begin(), p->techniques().end(), tech) == p->techniques().end()) {
      p->add_techniques(tech);
    }
  }

  // Tags (3-5, distinct): theme words, sometimes a generic tag.
  const int tag_count = rng.Between(3, 5);
  for (int attempt = 0; attempt < 40 && p->tags_size() < tag_count; ++attempt) {
    const std::string& tag =
        rng.Chance(0.2) ? t.generic_tags.Base(rng) : t.themes[domain_index].Base(rng);
    if (std::find(p->tags().begin(), p->tags().end(), tag) == p->tags().end()) p->add_tags(tag);
  }

  // Title: 6-10 words, e.g. "Détection des fuites d'eau par images satellite à Nantes".
  std::string title;
  for (int attempt = 0; attempt < 32; ++attempt) {
    const std::string& object = t.themes[domain_index].Sample(rng);
    title = t.actions.Sample(rng);
    title += ' ';
    title += TitleJoin(object);
    title += object;
    if (rng.Chance(0.5)) title += " " + t.adjectives.Sample(rng);
    if (rng.Chance(0.6)) {
      title += " " + t.methods.Sample(rng);
    } else {
      title += " et " + t.Theme(domain_index, rng);
    }
    if (rng.Chance(0.4)) title += " à " + coll.city;
    size_t words = CountWords(title);
    if (words >= 6 && words <= 10) break;
    if (words < 6 && attempt == 31) title += " dans la collectivité de " + coll.city;
  }
  if (CountWords(title) > 10) {  // all 32 attempts too long (unlikely): keep 10 words
    size_t pos = 0;
    for (int w = 0; w < 10 && pos != std::string::npos; ++w) pos = title.find(' ', pos + 1);
    if (pos != std::string::npos) title.resize(pos);
  }
  p->set_title_fr(title);

  // Summary: sentences from the patterns until ~100 words.
  const size_t target = static_cast<size_t>(rng.Between(85, 115));
  std::string summary;
  size_t words = 0;
  for (int sentence = 0; sentence < 64 && words < target; ++sentence) {
    std::string_view pattern = kPatterns[rng.Below(std::size(kPatterns))];
    std::string s;
    for (char slot : pattern) {
      std::string w;
      switch (slot) {
        case 'D': w = t.determiners.Sample(rng); break;
        case 'N': w = t.nouns.Sample(rng); break;
        case 'T': w = t.Theme(domain_index, rng); break;
        case 'A': w = rng.Chance(0.35) ? t.Theme(domain_index, rng) : t.adjectives.Sample(rng); break;
        case 'V': w = t.verbs.Sample(rng); break;
        case 'P': w = t.prepositions.Sample(rng); break;
        case 'C': w = t.conjunctions.Sample(rng); break;
        case 'R': w = t.adverbs.Sample(rng); break;
        case 'U': w = t.auxiliaries.Sample(rng); break;
        case 'X':
          w = p->techniques_size() > 0 && rng.Chance(0.7) ? p->techniques(rng.Below(p->techniques_size()))
                                                           : t.techniques.Sample(rng);
          break;
        case 'Y':
          w = rng.Chance(0.5) ? std::to_string(rng.Between(2015, 2025))
                              : std::to_string(rng.Between(2, 95)) + " %";
          break;
        case 'L': w = coll.city; break;
      }
      if (!s.empty()) s += ' ';
      s += w;
    }
    s = Capitalize(std::move(s));
    s += '.';
    words += CountWords(s);
    if (!summary.empty()) summary += ' ';
    summary += s;
  }
  p->set_summary_fr(summary);
  return project;
}

const std::vector<std::string>& QuerySet() {
  static const auto* const kQueries = new std::vector<std::string>{
      // frequent single words
      "pollution", "réseau", "données", "mobilité", "voirie", "stationnement", "algorithme", "courriers",
      // two or three words, accented as typed by most users
      "fuite eau", "prévision cantine", "gaspillage alimentaire cantine", "éclairage public",
      "maintenance prédictive", "déchets collecte", "images satellite", "qualité air", "trafic vélo",
      "biodiversité arbres", "canicule personnes âgées", "budget participatif", "permis construire",
      "archives numérisation", "nappe phréatique", "apprentissage automatique", "consommation énergétique bâtiments",
      "tourisme fréquentation", "signalements habitants", "vidéoprotection caméras",
      // typed without accents
      "detection panneaux solaires", "eclairage", "photovoltaique toitures", "ilots chaleur",
      "vision ordinateur", "securite routiere",
      // rare words
      "méthanisation", "thermographie", "turbidité", "hydrocurage", "lidar",
      // open last word (prefix)
      "fuite canalis", "compost", "prévi",
  };
  return *kQueries;
}

}  // namespace bibia::bench
