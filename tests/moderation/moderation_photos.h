#pragma once
// Photos the moderation tests look at: the sample photo with a face in it
// (and how the face tests measure it), and photos drawn with lines of text.

#include "classifier.h"
#include "fixtures.h"

#include <QFile>

#include <QRect>
#include <QString>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <string>
#include <utility>
#include <vector>

namespace listinglens::test {

// The one sample photo with a face in it (../shared/testdata/photos): a young
// man at a laptop, his head tilted, the face at about (342, 39) 64 x 64.
inline QString facePhotoPath() { return samplePhotosDir() + QStringLiteral("/laptop.jpg"); }
inline const QRect kLaptopFace(342, 39, 64, 64);
// That photo as OpenCV reads it; empty when ../shared/testdata/photos is not here.
inline cv::Mat facePhoto() { return cv::imread(QFile::encodeName(facePhotoPath()).toStdString()); }

// A classifier on the shipped model, as the products open it.
inline Result<std::unique_ptr<Classifier>> shippedClassifier()
{
    ClassifierOptions options;
    options.modelDir = modelDir();
    return Classifier::create(options);
}

// How sharp a box of the image is: the variance of its Laplacian.
inline double laplacianVariance(const cv::Mat &bgr, const cv::Rect &box)
{
    cv::Mat g, lap;
    cv::cvtColor(bgr(box & cv::Rect(0, 0, bgr.cols, bgr.rows)), g, cv::COLOR_BGR2GRAY);
    cv::Laplacian(g, lap, CV_64F);
    cv::Scalar mean, sd;
    cv::meanStdDev(lap, mean, sd);
    return sd[0] * sd[0];
}

inline QString rectText(const QRect &r) { return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height()); }

// A plain "photo" of an item with the lines of text drawn at their places.
inline cv::Mat photoWithText(const std::vector<std::pair<std::string, cv::Point>> &lines, double size = 1.0)
{
    cv::Mat img(354, 500, CV_8UC3, cv::Scalar(190, 175, 160));
    cv::rectangle(img, {300, 150, 150, 150}, cv::Scalar(60, 90, 120), cv::FILLED); // an "item"
    for (const auto &[text, at] : lines)
        cv::putText(img, text, at, cv::FONT_HERSHEY_SIMPLEX, size, cv::Scalar(20, 20, 20), 2, cv::LINE_AA);
    return img;
}

} // namespace listinglens::test
