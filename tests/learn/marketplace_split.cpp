#include "marketplace_split.h"

#include "csv.h"
#include "fixtures.h"
#include "head_trainer.h"
#include "stored_listings.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <algorithm>

namespace listinglens::test {

MarketplaceSplit marketplaceSplit()
{
    MarketplaceSplit split;
    const QString dir = sharedDir() + QStringLiteral("/testdata/marketplace");
    QFile csv(dir + QStringLiteral("/listings.csv"));
    if (!csv.open(QIODevice::ReadOnly)) {
        split.error = csv.fileName() + QStringLiteral(": the shared marketplace set is needed");
        return split;
    }
    std::vector<Listing> all;
    readCsv(csv, [&](int line, const QStringList &f) {
        if (line > 1 && f.size() >= 4)
            all.push_back({QDir(dir).filePath(f[0]), f[1], f[2].toDouble(), f[3]});
    });
    if (all.size() != 2000) {
        split.error = QStringLiteral("%1: %2 listings, not 2000").arg(csv.fileName()).arg(all.size());
        return split;
    }
    std::sort(all.begin(), all.end(), [](const Listing &a, const Listing &b) { return a.photo < b.photo; });
    for (std::size_t i = 0; i < all.size(); ++i)
        (i % 4 == 3 ? split.test : split.train).push_back(all[i]);
    return split;
}

Scores scoresOf(const std::vector<Listing> &truth, const std::vector<PhotoResult> &results)
{
    Scores s;
    std::vector<double> confidence;
    std::vector<bool> correct;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const PhotoResult &r = results[i];
        const bool hit = r.category.id == truth[i].category;
        s.top1 += hit;
        s.top3 += std::any_of(r.categories.begin(), r.categories.end(), [&](const CategoryScore &c) { return c.id == truth[i].category; });
        confidence.push_back(r.category.confidence);
        correct.push_back(hit);
    }
    s.n = int(truth.size());
    s.top1 /= s.n;
    s.top3 /= s.n;
    s.ece = HeadTrainer::expectedCalibrationError(confidence, correct);
    return s;
}

std::vector<PhotoResult> classifyListings(Classifier &classifier, const std::vector<Listing> &items)
{
    QStringList paths;
    for (const Listing &item : items)
        paths << item.photo;
    return classifyFiles(classifier, paths);
}

CliRun runCli(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(binaryPath(), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

bool confirmListing(PredictionStore &store, const Listing &listing, const PhotoResult &result, const QString &category, double price)
{
    auto id = recordOutcome(store, nullptr, QStringLiteral("import"), listing.photo, result);
    const FeedbackRecord f{QStringLiteral("import"), category != result.category.id, category, price,
                           QStringLiteral("GBP"), listing.title, listing.title, 0};
    return id && store.addFeedback(id.value(), f);
}

} // namespace listinglens::test
