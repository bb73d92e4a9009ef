#pragma once

#include "classifier.h"
#include "moderation_lane.h"
#include "pipeline.h"
#include "prediction_store.h"

#include <QCommandLineParser>
#include <QStringList>

#include <optional>

namespace listinglens::cli {

// Exit statuses shared by every subcommand.
enum ExitCode { ExitOk = 0, ExitSomeFailed = 1, ExitUsage = 2 };

// Options every command that loads the model understands.
struct ModelOptions {
    QCommandLineOption modelDir{QStringLiteral("model-dir"),
                                QStringLiteral("Model directory (default: $LISTINGLENS_MODEL_DIR or %1).").arg(defaultModelDir()),
                                QStringLiteral("DIR")};
    QCommandLineOption manifest{QStringLiteral("manifest"),
                                QStringLiteral("Model manifest JSON (default: DIR/listinglens-model.json, else the built-in one)."),
                                QStringLiteral("FILE")};
    QCommandLineOption taxonomy{QStringLiteral("taxonomy"), QStringLiteral("Category taxonomy JSON (default: built in)."),
                                QStringLiteral("FILE")};
    QCommandLineOption device{QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (default: auto)."),
                              QStringLiteral("DEVICE"), QStringLiteral("auto")};
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("Inference threads (default: half the cores; the rest decode photos, and the inference thread decodes one itself when none is ready)."),
                               QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption batch{QStringLiteral("batch"), QStringLiteral("Photos per forward pass (default: 8)."),
                             QStringLiteral("N"), QStringLiteral("8")};
    QCommandLineOption head{QStringLiteral("head"),
                            QStringLiteral("A category head file written by `model export` (default: the database's active head, if any)."),
                            QStringLiteral("FILE")};
    QCommandLineOption plain{QStringLiteral("plain-torchscript"),
                             QStringLiteral("Run the model as loaded, not frozen for oneDNN (slower; for comparison).")};

    void addTo(QCommandLineParser &parser) const;
};

// What the moderation lane reads: text on the photo, contact
// details, stock marks. On unless --no-moderation.
struct ModerationCliOptions {
    QCommandLineOption off{QStringLiteral("no-moderation"),
                           QStringLiteral("Do not read text on photos (contact details, stock marks, brands): results come without \"text\".")};
    QCommandLineOption languages{QStringLiteral("text-languages"),
                                 QStringLiteral("Tesseract language packs for text on photos, '+'-joined, first one tried first (default: eng+rus)."),
                                 QStringLiteral("LANGS"), QStringLiteral("eng+rus")};
    QCommandLineOption region{QStringLiteral("phone-region"),
                              QStringLiteral("Region of phone numbers written without a country code, or a list, the market's own first "
                                             "(KG,RU,KZ); one region keeps the others of the default, RU, KZ, KG, UA, BY, UZ "
                                             "(default: $LISTINGLENS_PHONE_REGION or GB)."),
                              QStringLiteral("CC[,CC...]")};
    QCommandLineOption textThreads{QStringLiteral("text-threads"),
                                   QStringLiteral("Threads of the moderation lane (default 0: half the cores, 1 to 8)."),
                                   QStringLiteral("N"), QStringLiteral("0")};

    void addTo(QCommandLineParser &parser) const;
};
// nullopt with a usage error printed on a bad value; `enabled` false with --no-moderation.
struct ModerationChoice {
    bool enabled = true;
    ModerationOptions options;
};
std::optional<ModerationChoice> moderationOptions(const QCommandLineParser &parser, const ModerationCliOptions &o);
// Opens the lane, printing why not on failure (nullptr).
std::unique_ptr<ModerationLane> openModerationLane(const ModerationOptions &options);

// --db URL, defaulting to $LISTINGLENS_DB. A command that adds it also gets
// --db-file PATH: parseOrExit() registers that option for the parser it is
// given next and checks both (one or the other; the file readable, not empty,
// not readable by group or others), and warns once when --db carries a password.
QCommandLineOption databaseOption(const QString &defaultHint);
// The URL from --db, else --db-file, else $LISTINGLENS_DB, else `fallback`
// (may be empty: no store).
QString databaseUrl(const QCommandLineParser &parser, const QString &fallback);
// The first non-empty line of a --db-file, trimmed. Refuses a file that group
// or others may access (as libpq does ~/.pgpass): it holds the password.
Result<QString> readDatabaseUrlFile(const QString &path);
// Opens the store, printing the error; nullptr on failure.
std::shared_ptr<PredictionStore> openStore(const QString &url, bool migrate = false);
// Gives the classifier what the store knows: its listings (as an index) and
// its active category head (unless --head gave one). Prints the error on
// failure; a head that does not fit is a warning, and the built-in mapping is used.
bool attachStore(Classifier &classifier, PredictionStore &store);

// "2026-11-24" or "2026-11-24T10:00:00[Z|+01:00]" to epoch ms; a usage error otherwise.
std::optional<qint64> timeOption(const QCommandLineParser &parser, const QCommandLineOption &option);

// Parses the model options; prints a usage error and returns nullopt on a bad value.
std::optional<ClassifierOptions> classifierOptions(const QCommandLineParser &parser, const ModelOptions &o);
std::optional<PipelineOptions> pipelineOptions(const QCommandLineParser &parser, const ModelOptions &o);

// A whole number in [min, max] from an option, or a usage error on stderr.
std::optional<int> intOption(const QCommandLineParser &parser, const QCommandLineOption &option, int min, int max);

// Processes the standard options (--help) and reports unknown ones; false means exit with `exitCode`.
bool parseOrExit(QCommandLineParser &parser, const QStringList &args, int &exitCode);

// A command's whole parse: its description, --help, the options each of
// `options` adds (addTo), then parseOrExit().
template <typename... Options>
bool parseCommand(QCommandLineParser &parser, const QString &description, const QStringList &args, int &exitCode, const Options &...options)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    (options.addTo(parser), ...);
    return parseOrExit(parser, args, exitCode);
}

// A time as ISO 8601 in UTC ("2026-11-24T10:00:00Z").
QString isoTime(qint64 ms);

void printError(const QString &message);

// The phone-sized photos bench runs use (made once from the sample photos, or
// from the photos in `sourceDir`, and cached, see makePhonePhotos); progress
// and errors on stderr; nullopt on failure.
std::optional<QStringList> phoneSizedBenchPhotos(const QString &sourceDir = {});

} // namespace listinglens::cli
