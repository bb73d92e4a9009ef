#pragma once

#include "cli_common.h"

#include <QCommandLineParser>
#include <QStringList>

namespace listinglens::cli {

// `model train --fine-tune` and the model versions' actions (versions,
// activate mN|shipped, rollback-model) of the `model` command.
struct FineTuneCliOptions {
    QCommandLineOption fineTune{QStringLiteral("fine-tune"),
                                QStringLiteral("train: also fine-tune the top of the model on the confirmed listings' photos (a new model version).")};
    QCommandLineOption views{QStringLiteral("views"), QStringLiteral("train --fine-tune: augmented views per listing (default 2)."),
                             QStringLiteral("N"), QStringLiteral("2")};
    QCommandLineOption epochs{QStringLiteral("epochs"), QStringLiteral("train --fine-tune: epochs of the one-cycle schedule (default 6)."), QStringLiteral("N"),
                              QStringLiteral("6")};
    void addTo(QCommandLineParser &parser) const { parser.addOptions({fineTune, views, epochs}); }
};

struct ModelTrainingArguments {
    double validationShare = 0.2;
    quint64 seed = 1;
    bool activate = false, force = false, json = false;
};

int runFineTune(const QCommandLineParser &parser, const ModelOptions &modelOptions, const FineTuneCliOptions &fineTune,
                const ModelTrainingArguments &arguments);
// versions, activate mN|shipped, rollback-model; -1 when `action` is not one of them.
int runModelVersionAction(const QCommandLineParser &parser, const ModelOptions &modelOptions, const QStringList &positional, bool json);

} // namespace listinglens::cli
