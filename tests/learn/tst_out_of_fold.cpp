// The mixture's temperatures are fitted on every listing answered out of fold,
// not on the validation fifth alone: on a market whose validation fifth
// happens to be clean while two listings in five elsewhere look like another
// category, the validation fifth alone makes the head over-confident.
#include "head_trainer.h"
#include "listing_split.h"
#include "out_of_fold.h"
#include "taxonomy.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <tuple>

using namespace listinglens;

namespace {

constexpr int kCategories = 4;
constexpr int kDim = 16;
constexpr double kLookAlike = 0.4; // outside the clean draw: the share of photos that look like another category

std::vector<float> photoOf(int looksLike, std::mt19937_64 &random)
{
    std::normal_distribution<float> noise(0.0f, 0.25f);
    std::vector<float> e(kDim);
    double norm = 0;
    for (int d = 0; d < kDim; ++d) {
        e[std::size_t(d)] = (d == looksLike ? 1.0f : 0.0f) + noise(random);
        norm += double(e[std::size_t(d)]) * e[std::size_t(d)];
    }
    for (float &v : e)
        v = float(v / std::sqrt(norm));
    return e;
}

// A photo of category c as the market posts it: with kLookAlike, one that looks like another category.
std::vector<float> marketPhoto(int c, std::mt19937_64 &random)
{
    std::uniform_real_distribution<double> u(0, 1);
    const int other = (c + 1 + int(random() % (kCategories - 1))) % kCategories;
    return photoOf(u(random) < kLookAlike ? other : c, random);
}

// n confirmed listings, a kCategories category each in turn, the built-in
// mapping uniform over `categories`; their photos are the caller's.
std::vector<TrainingExample> listingsOf(int n, int categories, std::mt19937_64 &random)
{
    std::vector<TrainingExample> examples;
    for (int i = 0; i < n; ++i) {
        TrainingExample e;
        e.id = i + 1;
        e.category = i % kCategories;
        e.phash = random();
        e.builtin.assign(std::size_t(categories), 1.0 / categories);
        examples.push_back(e);
    }
    return examples;
}

} // namespace

class TestOutOfFold : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void temperature_fittedOutOfFoldMatchesTheMarket()
    {
        auto taxonomy = Taxonomy::builtIn();
        QVERIFY(taxonomy.ok());
        const int categories = int(taxonomy.value().categories().size());
        QVERIFY(categories > kCategories);
        std::mt19937_64 random(5);
        std::vector<TrainingExample> examples = listingsOf(1000, categories, random);
        TrainingOptions options;
        options.gate = false;
        const std::vector<bool> validation = HeadTrainer::validationSplit(examples, options);
        for (std::size_t i = 0; i < examples.size(); ++i)
            examples[i].embedding = validation[i] ? photoOf(examples[i].category, random) : marketPhoto(examples[i].category, random);

        // New listings as the market posts them.
        std::vector<std::pair<int, std::vector<float>>> unseen;
        for (int i = 0; i < 2000; ++i)
            unseen.emplace_back(i % kCategories, marketPhoto(i % kCategories, random));
        const std::vector<double> builtin(std::size_t(categories), 1.0 / categories);
        // The gap between the mean top-1 confidence and top-1 on the new listings (no votes yet).
        const auto overConfidence = [&](const CategoryHead &head) {
            double confidence = 0, right = 0;
            for (const auto &[truth, photo] : unseen) {
                const std::vector<double> p = head.probabilities(photo.data(), builtin);
                const auto best = std::max_element(p.begin(), p.end());
                confidence += *best;
                right += (best - p.begin()) == truth ? 1 : 0;
            }
            return (confidence - right) / double(unseen.size());
        };

        options.crossFit = false;
        auto onValidation = HeadTrainer::train(examples, taxonomy.value(), nullptr, options);
        QVERIFY2(onValidation.ok(), qPrintable(onValidation.ok() ? QString() : onValidation.error().message));
        options.crossFit = true;
        auto outOfFold = HeadTrainer::train(examples, taxonomy.value(), nullptr, options);
        QVERIFY2(outOfFold.ok(), qPrintable(outOfFold.ok() ? QString() : outOfFold.error().message));
        const CategoryHead &v = onValidation.value().head, &f = outOfFold.value().head;
        const double overV = overConfidence(v), overF = overConfidence(f);
        qInfo("temperature %.3f (unvoted %.3f) on the validation fifth, %.3f (unvoted %.3f) out of fold; over-confidence %.3f and %.3f",
              v.temperature, v.unvotedTemperature, f.temperature, f.unvotedTemperature, overV, overF);
        // The shares are chosen on the validation fifth either way.
        QCOMPARE(f.neighbourK, v.neighbourK);
        QCOMPARE(f.neighbourShare, v.neighbourShare);
        QCOMPARE(f.builtinShare, v.builtinShare);
        // Measured: temperatures 0.72 and 1.54, over-confidence 0.40 and 0.10 (the
        // rows out of fold hold the clean fifth too, and the shares come from it).
        QVERIFY2(overV > 0.3, qPrintable(QString::number(overV))); // the clean fifth misjudges the market
        QVERIFY2(std::abs(overF) < 0.15, qPrintable(QString::number(overF)));
        QVERIFY(f.temperature > 1.5 * v.temperature);
        // The report says which rows the temperatures were fitted on: every listing in 5 folds, or the validation fifth.
        const auto fittedOn = [](const TrainedHead &t) { return t.report.value(QStringLiteral("fit")).toObject().value(QStringLiteral("temperature_fitted_on")).toObject(); };
        QCOMPARE(fittedOn(outOfFold.value()).value(QStringLiteral("split")).toString(), QStringLiteral("out_of_fold"));
        QCOMPARE(fittedOn(outOfFold.value()).value(QStringLiteral("folds")).toInt(), 5);
        QCOMPARE(fittedOn(outOfFold.value()).value(QStringLiteral("rows")).toInt(), int(examples.size()));
        QCOMPARE(fittedOn(onValidation.value()).value(QStringLiteral("split")).toString(), QStringLiteral("validation"));
        QCOMPARE(fittedOn(onValidation.value()).value(QStringLiteral("rows")).toInt(), onValidation.value().validation.n);
    }

    // A fold whose head cannot answer is skipped, not the whole training, and
    // none of its rows reach the temperature fit: one fold head refuses (too
    // few learned categories), one throws, one answers NaN.
    void outOfFold_skipsFoldsThatCannotAnswer()
    {
        constexpr int folds = 5, categories = 3, perFold = 40;
        std::vector<TrainingExample> examples;
        std::vector<int> fold;
        std::mt19937_64 random(7);
        for (int i = 0; i < folds * perFold; ++i) {
            TrainingExample e;
            e.id = i + 1;
            e.category = i % categories;
            e.phash = random();
            examples.push_back(e);
            fold.push_back(i % folds);
        }
        std::vector<std::vector<int>> asked;
        int seenByOwnHead = 0;
        const FoldHead headOf = [&](const std::vector<int> &train, const std::vector<int> &held) {
            for (int i : held)
                seenByOwnHead += std::find(train.begin(), train.end(), i) != train.end() ? 1 : 0;
            asked.push_back(held);
            const int f = fold[std::size_t(held.front())];
            if (f == 1)
                return std::pair{torch::Tensor(), torch::Tensor()};
            if (f == 2)
                throw std::runtime_error("gate fit failed");
            torch::Tensor p = torch::full({std::int64_t(held.size()), categories}, 1.0 / categories);
            if (f == 3)
                p[0][0] = std::nan("");
            return std::pair{p, torch::Tensor()};
        };
        const OutOfFold out = outOfFold(examples, fold, folds, categories, 10, headOf);
        QCOMPARE(int(asked.size()), folds);
        QCOMPARE(seenByOwnHead, 0);
        QCOMPARE(int(out.rows.size()), 2 * perFold); // folds 0 and 4 only
        QCOMPARE(out.head.size(0), std::int64_t(out.rows.size()));
        QVERIFY(torch::isfinite(out.head).all().item<bool>());
        for (int i : out.rows)
            QVERIFY(fold[std::size_t(i)] == 0 || fold[std::size_t(i)] == 4);
    }

    // Past the cap, a seeded draw of whole groups is answered out of fold: near-duplicates share a
    // fold or stay out together, and the folds keep the validation split as fold 0.
    void folds_capADrawOfWholeGroups()
    {
        constexpr int folds = 5, listings = 12000, cap = 5000;
        std::mt19937_64 random(11);
        std::vector<TrainingExample> examples;
        for (int i = 0; i < listings; i += 2) {
            const std::uint64_t hash = random() | 1; // two listings a photo: a near-duplicate pair
            for (int k = 0; k < 2; ++k) {
                TrainingExample e;
                e.id = i + k + 1;
                e.category = 0;
                e.phash = hash ^ std::uint64_t(k);
                examples.push_back(e);
            }
        }
        const TrainingOptions options;
        const std::vector<int> all = foldsByListing(examples, options, folds);
        const std::vector<int> fold = foldsByListing(examples, options, folds, cap);
        QCOMPARE(fold, foldsByListing(examples, options, folds, cap)); // seeded: the same draw again
        int dealt = 0;
        for (int i = 0; i < listings; ++i) {
            QCOMPARE(fold[std::size_t(i)], fold[std::size_t(i ^ 1)]); // a pair together
            QVERIFY(all[std::size_t(i)] >= 0);
            if (fold[std::size_t(i)] >= 0) {
                QCOMPARE(fold[std::size_t(i)], all[std::size_t(i)]);
                ++dealt;
            }
        }
        QVERIFY2(dealt > cap * 0.9 && dealt < cap * 1.1, qPrintable(QString::number(dealt)));
        for (int f = 0; f < folds; ++f) // spread over the folds
            QVERIFY(std::count(fold.begin(), fold.end(), f) > cap / folds / 2);
    }

    // One set of bins: the ECE is their sum, and a bench prints the same bins.
    void reliability_binsAreWhatTheEceSums()
    {
        const std::vector<double> confidence{0.05, 0.1, 0.34, 0.35, 0.62, 0.66, 0.9, 1.0};
        const std::vector<bool> correct{false, true, false, true, true, true, false, true};
        const auto bins = HeadTrainer::reliability(confidence, correct, 10);
        QCOMPARE(int(bins.size()), 10);
        QCOMPARE(bins[0].count, 2); // 0.1 belongs to (0, 0.1]
        QCOMPARE(bins[0].right, 1);
        QCOMPARE(bins[3].count, 2);
        QCOMPARE(bins[6].count, 2);
        QCOMPARE(bins[9].count, 1);
        QVERIFY(std::abs(bins[6].confidence - 1.28) < 1e-9);
        // By hand, in the ECE's 15 bins (b/15, (b+1)/15]: 0.05 alone in bin 0 and wrong
        // (|0.05 - 0|), 0.1 alone in bin 1 and right (|0.1 - 1|), 0.34 and 0.35 in bin 5
        // with one right (|0.69 - 1|), 0.62 and 0.66 in bin 9 both right (|1.28 - 2|),
        // 0.9 alone in bin 13 and wrong (|0.9 - 0|), 1.0 alone in bin 14 and right (0):
        // (0.05 + 0.9 + 0.31 + 0.72 + 0.9 + 0) / 8 = 0.36.
        QCOMPARE(HeadTrainer::kCalibrationBins, 15);
        const double ece = HeadTrainer::expectedCalibrationError(confidence, correct);
        QVERIFY2(std::abs(ece - 0.36) < 1e-9, qPrintable(QString::number(ece, 'g', 12)));
        QCOMPARE(HeadTrainer::expectedCalibrationError({}, {}), 0.0);
    }

    // A confidence that is not a number (a head that answered NaN) is in no
    // bin and out of the ECE's mean, not converted to a bin index (undefined).
    void reliability_skipsConfidencesThatAreNotFinite()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        const std::vector<double> confidence{0.5, nan, 0.9, inf, -inf};
        const std::vector<bool> correct{true, false, true, true, false};
        int binned = 0;
        for (const auto &b : HeadTrainer::reliability(confidence, correct)) {
            binned += b.count;
            QVERIFY(std::isfinite(b.confidence));
        }
        QCOMPARE(binned, 2);
        // 0.5 right (|0.5 - 1|) and 0.9 right (|0.9 - 1|) over the 2 answers binned.
        const double ece = HeadTrainer::expectedCalibrationError(confidence, correct);
        QVERIFY2(std::abs(ece - 0.3) < 1e-9, qPrintable(QString::number(ece)));
        // Answers none of which is binned have no calibration to score: NaN, not a perfect 0.
        QVERIFY(std::isnan(HeadTrainer::expectedCalibrationError({nan, nan}, {true, false})));
        QCOMPARE(HeadTrainer::expectedCalibrationError({}, {}), 0.0);
    }

    // Each fold trains a head: training refuses a number of folds it would not
    // bound, and one that means nothing, rather than train for a long time.
    void training_refusesFoldsOutOfRange()
    {
        auto taxonomy = Taxonomy::builtIn();
        QVERIFY(taxonomy.ok());
        const int categories = int(taxonomy.value().categories().size());
        std::mt19937_64 random(3);
        std::vector<TrainingExample> examples = listingsOf(200, categories, random);
        for (TrainingExample &e : examples)
            e.embedding = photoOf(e.category, random);
        TrainingOptions options;
        for (int folds : {-1, 1, HeadTrainer::kMaxFolds + 1, 1000000}) {
            options.folds = folds;
            const auto refused = HeadTrainer::train(examples, taxonomy.value(), nullptr, options);
            QVERIFY2(!refused.ok(), qPrintable(QString::number(folds)));
            QVERIFY2(refused.error().message.contains(QStringLiteral("folds")), qPrintable(refused.error().message));
        }
        options.folds = HeadTrainer::kMaxFolds;
        const auto trained = HeadTrainer::train(examples, taxonomy.value(), nullptr, options);
        QVERIFY2(trained.ok(), qPrintable(trained.ok() ? QString() : trained.error().message));
    }

    // A head none of whose validation answers has a finite confidence is
    // refused: stored, its ECE would read as a perfectly calibrated head.
    void training_refusesAHeadWithoutAFiniteValidationAnswer()
    {
        auto taxonomy = Taxonomy::builtIn();
        QVERIFY(taxonomy.ok());
        std::mt19937_64 random(3);
        std::vector<TrainingExample> examples = listingsOf(200, int(taxonomy.value().categories().size()), random);
        const TrainingOptions options;
        const std::vector<bool> validation = HeadTrainer::validationSplit(examples, options);
        for (std::size_t i = 0; i < examples.size(); ++i)
            examples[i].embedding = validation[i] ? std::vector<float>(kDim, std::numeric_limits<float>::quiet_NaN()) : photoOf(examples[i].category, random);
        const auto trained = HeadTrainer::train(examples, taxonomy.value(), nullptr, options);
        QVERIFY2(!trained.ok(), qPrintable(trained.ok() ? trained.value().report.value(QStringLiteral("validation")).toObject().value(QStringLiteral("ece")).toVariant().toString() : QString()));
        QVERIFY2(trained.error().message.contains(QStringLiteral("finite confidence")), qPrintable(trained.error().message));
    }

    // options.folds is the number of folds the listings are answered in; 0
    // means one fold per validation share (5 at 0.2, 4 at 0.25).
    void outOfFoldRows_answersInTheFoldsAskedFor()
    {
        std::mt19937_64 random(5);
        std::vector<TrainingExample> examples = listingsOf(200, kCategories, random);
        for (TrainingExample &e : examples)
            e.embedding = photoOf(e.category, random);
        TrainingOptions options;
        options.gate = false;
        for (const auto &[asked, share, expected] : {std::tuple{3, 0.2, 3}, std::tuple{7, 0.2, 7}, std::tuple{0, 0.2, 5}, std::tuple{0, 0.25, 4}}) {
            options.folds = asked;
            options.validationShare = share;
            const CalibrationRows rows = outOfFoldRows(examples, options, kCategories, kDim, 1e-3, false);
            QVERIFY2(rows.folds == expected, qPrintable(QStringLiteral("%1 folds asked: %2").arg(asked).arg(rows.folds)));
            QCOMPARE(rows.y.size(0), std::int64_t(examples.size())); // every listing answered once
            const std::vector<int> fold = foldsByListing(examples, options, expected);
            QCOMPARE(*std::max_element(fold.begin(), fold.end()), expected - 1);
        }
    }

    // A perfectly calibrated model's ECE on a few hundred answers is not 0:
    // 400 answers at confidence 0.6, right with probability 0.6, score
    // E|mean - 0.6| = sqrt(0.24 / 400) * sqrt(2 / pi) = 0.0195 on average.
    void eceIfCalibrated_isTheSamplesNoise()
    {
        const auto at = HeadTrainer::eceIfCalibrated(std::vector<double>(400, 0.6), 2000);
        QVERIFY2(std::abs(at.mean - 0.0195) < 0.002, qPrintable(QString::number(at.mean)));
        QVERIFY(at.p90 > at.mean);
        QCOMPARE(HeadTrainer::eceIfCalibrated(std::vector<double>(400, 0.6), 50, 3).mean,
                 HeadTrainer::eceIfCalibrated(std::vector<double>(400, 0.6), 50, 3).mean); // seeded
        // Spread over 15 bins, fewer answers a bin: more noise.
        std::vector<double> spread;
        for (int i = 0; i < 400; ++i)
            spread.push_back(0.1 + 0.85 * i / 399.0);
        QVERIFY(HeadTrainer::eceIfCalibrated(spread, 500).mean > 2 * at.mean);
        QCOMPARE(HeadTrainer::eceIfCalibrated({}).mean, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestOutOfFold)
#include "tst_out_of_fold.moc"
