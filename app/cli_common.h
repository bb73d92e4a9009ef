#pragma once

#include "classifier.h"
#include "pipeline.h"

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
    QCommandLineOption threads{QStringLiteral("threads"), QStringLiteral("Inference threads (default: half the cores; the other half decode photos)."),
                               QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption batch{QStringLiteral("batch"), QStringLiteral("Photos per forward pass (default: 8)."),
                             QStringLiteral("N"), QStringLiteral("8")};

    void addTo(QCommandLineParser &parser) const;
};

// Parses the model options; prints a usage error and returns nullopt on a bad value.
std::optional<ClassifierOptions> classifierOptions(const QCommandLineParser &parser, const ModelOptions &o);
std::optional<PipelineOptions> pipelineOptions(const QCommandLineParser &parser, const ModelOptions &o);

// A whole number in [min, max] from an option, or a usage error on stderr.
std::optional<int> intOption(const QCommandLineParser &parser, const QCommandLineOption &option, int min, int max);

// Processes the standard options (--help) and reports unknown ones; false means exit with `exitCode`.
bool parseOrExit(QCommandLineParser &parser, const QStringList &args, int &exitCode);

void printError(const QString &message);

} // namespace listinglens::cli
