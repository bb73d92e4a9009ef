// Decoding 12 MP phone photos at the scale the model needs, four ways, on one
// thread, interleaved round by round so that the machine's drift hits all
// alike: the product's decoder (core/imaging/jpeg_decoder.cpp, libjpeg-turbo
// through its libjpeg API), OpenCV's reduced-size imdecode, and TurboJPEG's
// scaled tjDecompress2; and, for the floor, libjpeg-turbo reading the
// coefficients only (entropy decoding, which every scaled decode must do in
// full) and TurboJPEG decoding the whole image. Built and run by
// scripts/bench-decode.sh.
#include "jpeg_decoder.h"

#include <QByteArray>
#include <QDir>
#include <QFile>

#include <opencv2/imgcodecs.hpp>
#include <turbojpeg.h>

#include <jpeglib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

using Decode = std::function<bool(const QByteArray &)>;

bool coefficientsOnly(const QByteArray &bytes)
{
    jpeg_decompress_struct cinfo{};
    jpeg_error_mgr err{};
    cinfo.err = jpeg_std_error(&err);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char *>(bytes.constData()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    const bool ok = jpeg_read_coefficients(&cinfo) != nullptr;
    jpeg_destroy_decompress(&cinfo);
    return ok;
}

bool turbo(tjhandle handle, const QByteArray &bytes, int denom)
{
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.constData());
    int width = 0, height = 0, subsampling = 0, colourspace = 0;
    if (tjDecompressHeader3(handle, data, static_cast<unsigned long>(bytes.size()), &width, &height, &subsampling, &colourspace) != 0)
        return false;
    const tjscalingfactor factor{1, denom};
    const int w = TJSCALED(width, factor), h = TJSCALED(height, factor);
    cv::Mat out(h, w, CV_8UC3);
    return tjDecompress2(handle, data, static_cast<unsigned long>(bytes.size()), out.data, w, 0, h, TJPF_BGR, 0) == 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s PHOTO_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 10;
    std::vector<QByteArray> files;
    const QDir dir(QString::fromLocal8Bit(argv[1]));
    for (const QString &name : dir.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (f.open(QIODevice::ReadOnly))
            files.push_back(f.readAll());
    }
    if (files.empty()) {
        std::fprintf(stderr, "no .jpg files in %s\n", argv[1]);
        return 2;
    }
    tjhandle handle = tjInitDecompress();
    const struct {
        const char *name;
        Decode decode;
    } ways[] = {
        {"ListingLens (libjpeg API, 1/8)", [](const QByteArray &b) { return listinglens::decodeJpeg(b, 8, qint64(1) << 30).ok(); }},
        {"OpenCV imdecode IMREAD_REDUCED_COLOR_8", [](const QByteArray &b) {
             const cv::Mat raw(1, int(b.size()), CV_8U, const_cast<char *>(b.constData()));
             return !cv::imdecode(raw, cv::IMREAD_REDUCED_COLOR_8 | cv::IMREAD_IGNORE_ORIENTATION).empty();
         }},
        {"TurboJPEG tjDecompress2, 1/8", [&](const QByteArray &b) { return turbo(handle, b, 8); }},
        {"coefficients only (entropy decoding)", coefficientsOnly},
        {"TurboJPEG full size (1/1)", [&](const QByteArray &b) { return turbo(handle, b, 1); }},
    };
    constexpr int kWays = int(std::size(ways));
    std::vector<std::vector<double>> ms(kWays);
    for (int r = 0; r < rounds; ++r) {
        for (const QByteArray &file : files) {
            for (int k = 0; k < kWays; ++k) {
                const int w = (k + r) % kWays; // rotate who goes first
                const auto t0 = std::chrono::steady_clock::now();
                if (!ways[w].decode(file)) {
                    std::fprintf(stderr, "%s failed\n", ways[w].name);
                    return 1;
                }
                ms[std::size_t(w)].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            }
        }
    }
    tjDestroy(handle);
    std::printf("%zu photos x %d rounds, one thread, ms per photo:\n", files.size(), rounds);
    for (int k = 0; k < kWays; ++k) {
        auto &v = ms[std::size_t(k)];
        std::sort(v.begin(), v.end());
        double sum = 0;
        for (double x : v)
            sum += x;
        std::printf("  %-40s p50 %6.2f  mean %6.2f  p95 %6.2f\n", ways[k].name, v[v.size() / 2], sum / double(v.size()),
                    v[std::min(v.size() - 1, v.size() * 95 / 100)]);
    }
    return 0;
}
