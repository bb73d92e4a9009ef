#include "cli_common.h"

#include <QTextStream>

#include <cstdio>

namespace listinglens::cli {

void printError(const QString &message)
{
    QTextStream(stderr) << "listinglens: " << message << Qt::endl;
}

void ModelOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({modelDir, manifest, taxonomy, device, threads, batch});
}

std::optional<int> intOption(const QCommandLineParser &parser, const QCommandLineOption &option, int min, int max)
{
    bool ok = false;
    const QString text = parser.value(option);
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max) {
        printError(QStringLiteral("--%1 must be a whole number from %2 to %3 (got \"%4\")")
                       .arg(option.names().constFirst()).arg(min).arg(max).arg(text));
        return std::nullopt;
    }
    return value;
}

std::optional<ClassifierOptions> classifierOptions(const QCommandLineParser &parser, const ModelOptions &o)
{
    ClassifierOptions options;
    options.modelDir = parser.value(o.modelDir);
    options.manifestPath = parser.value(o.manifest);
    options.taxonomyPath = parser.value(o.taxonomy);
    options.engine.device = parser.value(o.device);
    const auto threads = intOption(parser, o.threads, 0, 256);
    if (!threads)
        return std::nullopt;
    options.engine.threads = *threads;
    return options;
}

std::optional<PipelineOptions> pipelineOptions(const QCommandLineParser &parser, const ModelOptions &o)
{
    const auto batch = intOption(parser, o.batch, 1, 256);
    if (!batch)
        return std::nullopt;
    PipelineOptions options;
    options.batchSize = *batch;
    return options;
}

bool parseOrExit(QCommandLineParser &parser, const QStringList &args, int &exitCode)
{
    if (!parser.parse(args)) {
        printError(parser.errorText() + QStringLiteral(" (see --help)"));
        exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        exitCode = ExitOk;
        return false;
    }
    return true;
}

} // namespace listinglens::cli
