// `listinglens-bench brands`: how well brands are read off photos. A
// hand-checked list (benchkit/brand_photos.csv: file,brand,what_a_person_reads,split)
// of marketplace photos whose brand a person can read on the item or its box;
// each photo is loaded as the product loads it, read (TextReader), then
// analysePhotoText and findBrands: the share of photos whose listed brand was
// found, per split, what was read where it was missed, and the models found.
#include "bench_commands.h"

#include "bench_csv.h"
#include "brand_list.h"
#include "cli_common.h"
#include "environment.h"
#include "image_loader.h"
#include "moderation_lane.h"
#include "photo_text.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <map>

namespace listinglens::cli {

namespace {

struct BrandPhoto {
    QString file, brand, reads, split;
};

Result<std::vector<BrandPhoto>> readList(const QString &path)
{
    std::vector<BrandPhoto> photos;
    const auto header = readCsvRows(path, [&](const CsvField &field) {
        BrandPhoto p{field("file"), field("brand"), field("what_a_person_reads"), field("split")};
        if (!p.file.isEmpty() && !p.brand.isEmpty() && p.file.size() < 200 && photos.size() < 100000)
            photos.push_back(p);
    });
    if (!header)
        return header.error();
    if (!header.value().contains(QLatin1String("file")) || !header.value().contains(QLatin1String("brand")))
        return Error{ErrorCode::InvalidArgument, QStringLiteral("%1 is not a file,brand,what_a_person_reads,split CSV").arg(path)};
    return photos;
}

PhotoText readPhoto(TextReader &reader, const ImageLoader &loader, const QString &path, const BrandList &brands, QString &error)
{
    auto bytes = loader.readFile(path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image) {
        error = image.error().message;
        return {};
    }
    return readPhotoText(reader, moderationInput(std::move(image).value(), bytes.value()), ContactOptions{}, brands);
}

struct Tally {
    int n = 0, found = 0, other = 0;
};

// Each listed photo read: by split, what was found, and photos that could not be read.
struct Measured {
    std::map<QString, Tally> bySplit;
    QJsonArray rows;
    int failed = 0;
};

Measured measure(TextReader &reader, const QString &dir, const std::vector<BrandPhoto> &listed, const BrandList &brands)
{
    ImageLoader loader;
    Measured m;
    for (const BrandPhoto &p : listed) {
        QString error;
        const PhotoText text = readPhoto(reader, loader, QDir(dir).filePath(QFileInfo(p.file).fileName()), brands, error);
        QStringList found, read;
        for (const FoundBrand &b : text.brands)
            found << b.name;
        for (const TextLine &l : text.lines)
            read << l.text;
        const bool hit = found.contains(p.brand, Qt::CaseInsensitive);
        Tally &t = m.bySplit[p.split.isEmpty() ? QStringLiteral("unsplit") : p.split];
        ++t.n;
        t.found += hit ? 1 : 0;
        t.other += !hit && !found.isEmpty() ? 1 : 0;
        m.failed += error.isEmpty() ? 0 : 1;
        m.rows.append(QJsonObject{{QStringLiteral("file"), p.file},
                                  {QStringLiteral("split"), p.split},
                                  {QStringLiteral("brand"), p.brand},
                                  {QStringLiteral("found"), hit},
                                  {QStringLiteral("brands"), QJsonArray::fromStringList(found)},
                                  {QStringLiteral("models"), QJsonArray::fromStringList(text.models)},
                                  {QStringLiteral("read"), QJsonArray::fromStringList(read)},
                                  {QStringLiteral("error"), error}});
    }
    return m;
}

// One line per photo: found or missed, the brands and models found, and what was read where it was missed.
void printRows(QTextStream &out, const QJsonArray &rows)
{
    for (const auto &r : std::as_const(rows)) {
        const QJsonObject o = r.toObject();
        QStringList models, brandsFound, read;
        for (const auto &v : o.value(QStringLiteral("models")).toArray())
            models << v.toString();
        for (const auto &v : o.value(QStringLiteral("brands")).toArray())
            brandsFound << v.toString();
        for (const auto &v : o.value(QStringLiteral("read")).toArray())
            read << QLatin1Char('"') + v.toString() + QLatin1Char('"');
        const bool hit = o.value(QStringLiteral("found")).toBool();
        out << QStringLiteral("  %1 %2 %3: %4").arg(hit ? QStringLiteral("found ") : QStringLiteral("MISSED"),
                                                    o.value(QStringLiteral("split")).toString(), o.value(QStringLiteral("file")).toString(),
                                                    o.value(QStringLiteral("brand")).toString());
        if (!brandsFound.isEmpty())
            out << QStringLiteral(" | brands: ") << brandsFound.join(QStringLiteral(", "));
        if (!models.isEmpty())
            out << QStringLiteral(" | models: ") << models.join(QStringLiteral(", "));
        if (!hit)
            out << QStringLiteral(" | read: ") << (read.isEmpty() ? QStringLiteral("nothing") : read.join(QStringLiteral(", ")));
        if (!o.value(QStringLiteral("error")).toString().isEmpty())
            out << QStringLiteral(" | error: ") << o.value(QStringLiteral("error")).toString();
        out << '\n';
    }
}

} // namespace

int runBenchBrands(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Brands read off photos, measured: for each photo of a hand-checked list whose brand a person can read,\n"
        "whether OCR and the brand list found it; per split (validation: even-indexed photos, test: odd), with what was read\n"
        "where the brand was missed and the model-like tokens found."));
    parser.addHelpOption();
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("The hand-checked CSV (default benchkit/brand_photos.csv)."),
                                  QStringLiteral("CSV"), QStringLiteral("benchkit/brand_photos.csv"));
    const QCommandLineOption photos(QStringLiteral("photos"), QStringLiteral("Folder of marketplace photos (default: the shared set)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption brandsFile(QStringLiteral("brands"), QStringLiteral("Brand list CSV (default: $LISTINGLENS_BRANDS or the bundled sample)."),
                                        QStringLiteral("CSV"));
    const QCommandLineOption languages(QStringLiteral("languages"), QStringLiteral("Tesseract languages (default eng+rus)."),
                                       QStringLiteral("LANGS"), QStringLiteral("eng+rus"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({list, photos, brandsFile, languages, json});
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    auto listed = readList(parser.value(list));
    if (!listed) {
        printError(listed.error().message);
        return ExitUsage;
    }
    std::optional<BrandList> own;
    if (parser.isSet(brandsFile)) {
        auto loaded = BrandList::load(parser.value(brandsFile));
        if (!loaded) {
            printError(loaded.error().message);
            return ExitUsage;
        }
        own = std::move(loaded).value();
    }
    const BrandList &brands = own ? *own : BrandList::builtin();
    const QString dir = parser.isSet(photos) ? parser.value(photos)
                                             : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/photos")).absolutePath();
    TextReaderOptions readerOptions;
    readerOptions.languages = parser.value(languages);
    auto reader = TextReader::open(readerOptions);
    if (!reader) {
        printError(reader.error().message);
        return ExitSomeFailed;
    }
    const Measured m = measure(*reader.value(), dir, listed.value(), brands);
    const auto &[bySplit, rows, failed] = m;
    QJsonObject splits;
    for (const auto &[name, t] : bySplit)
        splits.insert(name, QJsonObject{{QStringLiteral("photos"), t.n},
                                        {QStringLiteral("brand_found"), t.found},
                                        {QStringLiteral("accuracy"), t.n ? double(t.found) / t.n : 0.0},
                                        {QStringLiteral("other_brand_only"), t.other}});
    if (parser.isSet(json)) {
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("brand_list"), brands.source()},
                                                         {QStringLiteral("brands_listed"), int(brands.entries().size())},
                                                         {QStringLiteral("unreadable_photos"), failed},
                                                         {QStringLiteral("splits"), splits},
                                                         {QStringLiteral("photos"), rows}})
                                   .toJson(QJsonDocument::Compact)
                            << Qt::endl;
        return ExitOk;
    }
    QTextStream out(stdout);
    out << QStringLiteral("%1 photos from %2, brand list %3 (%4 rows)\n")
               .arg(listed.value().size()).arg(parser.value(list), brands.source()).arg(brands.entries().size());
    for (const auto &[name, t] : bySplit)
        out << QStringLiteral("%1: listed brand found on %2 of %3 (%4); another brand only: %5\n")
                   .arg(name, -10).arg(t.found).arg(t.n).arg(t.n ? double(t.found) / t.n : 0.0, 0, 'f', 3).arg(t.other);
    if (failed)
        out << QStringLiteral("unreadable photos: %1\n").arg(failed);
    printRows(out, rows);
    return ExitOk;
}

} // namespace listinglens::cli
