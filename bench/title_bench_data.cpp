#include "title_bench_data.h"

#include "bench_csv.h"
#include "brand_list.h"
#include "dominant_colour.h"
#include "environment.h"
#include "image_loader.h"
#include "moderation_lane.h"
#include "photo_quality.h"
#include "preprocessor.h"
#include "text_reader.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSaveFile>

namespace listinglens::cli {

namespace {

// FNV-1a: the same split on every machine and run.
int partOf(const QString &name)
{
    std::uint32_t h = 2166136261u;
    for (const char c : name.toUtf8()) {
        h ^= std::uint8_t(c);
        h *= 16777619u;
    }
    return int(h % 10u);
}

constexpr quint32 kCacheMagic = 0x4c4c5442; // "LLTB"
constexpr quint32 kCacheVersion = 1;

void write(QDataStream &out, const SeenPhoto &s)
{
    const PhotoResult &r = s.result;
    out << s.ok << QVector<float>(r.embedding.begin(), r.embedding.end()) << r.embeddingNorm << r.colour << r.colourShare
        << quint64(r.quality.phash) << r.quality.flags << qint32(r.labels.size());
    for (const LabelScore &l : r.labels)
        out << qint32(l.index) << l.name << l.probability;
    out << s.read << qint32(s.text.lines.size());
    for (const TextLine &l : s.text.lines)
        out << l.text << l.box << l.confidence;
    out << qint32(s.text.brands.size());
    for (const FoundBrand &b : s.text.brands)
        out << b.name << b.categoryId << b.box;
    out << s.text.models << s.text.stockMarks;
}

SeenPhoto read(QDataStream &in)
{
    SeenPhoto s;
    PhotoResult &r = s.result;
    QVector<float> embedding;
    quint64 phash = 0;
    qint32 n = 0;
    in >> s.ok >> embedding >> r.embeddingNorm >> r.colour >> r.colourShare >> phash >> r.quality.flags >> n;
    r.embedding.assign(embedding.begin(), embedding.end());
    r.quality.phash = phash;
    for (qint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        LabelScore l;
        qint32 index = 0;
        in >> index >> l.name >> l.probability;
        l.index = index;
        r.labels.push_back(l);
    }
    in >> s.read >> n;
    for (qint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        TextLine l;
        in >> l.text >> l.box >> l.confidence;
        s.text.lines.push_back(l);
    }
    in >> n;
    for (qint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        FoundBrand b;
        in >> b.name >> b.categoryId >> b.box;
        s.text.brands.push_back(b);
    }
    in >> s.text.models >> s.text.stockMarks;
    return s;
}

QHash<QString, SeenPhoto> readCache(const QString &path)
{
    QHash<QString, SeenPhoto> cache;
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly))
        return cache;
    QDataStream in(&f);
    quint32 magic = 0, version = 0;
    qint32 n = 0;
    in >> magic >> version >> n;
    if (magic != kCacheMagic || version != kCacheVersion)
        return cache;
    for (qint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        QString name;
        in >> name;
        SeenPhoto s = read(in);
        if (in.status() == QDataStream::Ok)
            cache.insert(name, std::move(s));
    }
    return cache;
}

Result<bool> writeCache(const QString &path, const QHash<QString, SeenPhoto> &cache)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error{ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, f.errorString())};
    QDataStream out(&f);
    out << kCacheMagic << kCacheVersion << qint32(cache.size());
    for (auto it = cache.begin(); it != cache.end(); ++it) {
        out << it.key();
        write(out, it.value());
    }
    if (!f.commit())
        return Error{ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, f.errorString())};
    return true;
}

// The photo through the classifier alone (no listing index, no head), decoded
// and measured as the product prepares a photo (within the model's resize).
SeenPhoto classifyPhoto(Classifier &classifier, const ImageLoader &loader, const QString &path)
{
    SeenPhoto s;
    auto bytes = loader.readFile(path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return s;
    const LoadedImage &img = image.value();
    std::vector<PreparedPhoto> one(1);
    PreparedPhoto &p = one.front();
    p.name = path;
    p.started = std::chrono::steady_clock::now();
    p.byteSize = bytes.value().size();
    p.tensor = preprocess(img.bgr, classifier.manifest().preprocess);
    p.quality = assessQuality(img.bgr, img.width, img.height);
    p.colour = dominantColour(img.bgr);
    auto result = std::move(classifier.finish(std::move(one)).front());
    s.ok = result.ok();
    if (s.ok)
        s.result = std::move(result).value();
    return s;
}

void readText(TextReader &reader, const ImageLoader &loader, const QString &path, SeenPhoto &s)
{
    auto bytes = loader.readFile(path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return;
    s.text = readPhotoText(reader, {std::move(image).value(), bytes.value()}, ContactOptions{}, BrandList::builtin());
    s.read = true;
}

} // namespace

Result<std::vector<BenchListing>> readBenchListings(const QString &csvPath)
{
    const QDir dir = QFileInfo(csvPath).absoluteDir();
    std::vector<BenchListing> listings;
    const auto header = readCsvRows(csvPath, [&](const CsvField &field) {
        BenchListing l{dir.filePath(field("photo")), field("category"), field("price").toDouble(), field("title"), partOf(field("photo"))};
        if (!field("photo").isEmpty() && !l.categoryId.isEmpty())
            listings.push_back(l);
    });
    if (!header)
        return header.error();
    if (!header.value().contains(QLatin1String("photo")) || !header.value().contains(QLatin1String("title")))
        return Error{ErrorCode::InvalidArgument, QStringLiteral("%1 is not a photo,category,price,title CSV").arg(csvPath)};
    return listings;
}

Result<std::vector<SeenPhoto>> seePhotos(Classifier &classifier, const std::vector<BenchListing> &listings,
                                         const std::vector<bool> &readText_, const QString &cachePath)
{
    QHash<QString, SeenPhoto> cache = readCache(cachePath);
    std::unique_ptr<TextReader> reader;
    ImageLoader loader;
    LoadLimits modelLimits;
    modelLimits.targetShortSide = classifier.manifest().preprocess.resizeShorter;
    const ImageLoader modelLoader(modelLimits);
    bool changed = false;
    std::vector<SeenPhoto> seen;
    for (std::size_t i = 0; i < listings.size(); ++i) {
        const QString name = QFileInfo(listings[i].photo).fileName();
        auto hit = cache.find(name);
        if (hit == cache.end()) {
            hit = cache.insert(name, classifyPhoto(classifier, modelLoader, listings[i].photo));
            changed = true;
        }
        if (readText_[i] && !hit->read && hit->ok) {
            if (!reader) {
                auto opened = TextReader::open(TextReaderOptions{});
                if (!opened)
                    return opened.error();
                reader = std::move(opened).value();
            }
            readText(*reader, loader, listings[i].photo, *hit);
            changed = true;
        }
        seen.push_back(*hit);
    }
    if (changed && !cachePath.isEmpty()) {
        if (auto written = writeCache(cachePath, cache); !written)
            return written.error();
    }
    return seen;
}

Result<MarketplaceBench> openMarketplaceBench(const QString &csvPath, const ClassifierOptions &options)
{
    const QString csv = !csvPath.isEmpty() ? csvPath : QDir(defaultSamplesDir() + QStringLiteral("/../marketplace/listings.csv")).absolutePath();
    auto listings = readBenchListings(csv);
    if (!listings)
        return listings.error();
    auto classifier = Classifier::create(options);
    if (!classifier)
        return classifier.error();
    return MarketplaceBench{std::move(listings).value(), std::move(classifier).value()};
}

std::optional<TrainingExample> trainingExample(const Classifier &classifier, const BenchListing &listing, const SeenPhoto &seen, qint64 id)
{
    const int category = classifier.taxonomy().indexOf(listing.categoryId);
    if (!seen.ok || category < 0)
        return std::nullopt;
    const PhotoResult &r = seen.result;
    return TrainingExample{id, category, listing.price, r.quality.phash, r.embedding,
                           classifier.builtinProbabilities(r.embedding.data(), r.embeddingNorm), listing.title, {}};
}

} // namespace listinglens::cli
