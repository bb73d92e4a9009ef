#pragma once

#include "error.h"

#include <QString>

namespace listinglens::ui {

// What a model folder holds, checked the way the window loads it: its manifest
// (ModelManifest::forModelDir) and then the model itself (InferenceEngine::load,
// which runs it once on a probe). Takes a second or more: call it off the GUI
// thread (SettingsDialog runs it with QtConcurrent). The error's message is in
// plain words for the Settings dialog: what is wrong with the folder, no
// command-line advice.
struct ModelFolder {
    QString name;    // the manifest's name and version
    QString version;
    int categories = 0;
};
// The model is probed on the CPU whatever `device` says, and LibTorch's
// process-wide thread count is left as it is (EngineOptions::configureThreads
// false): the live engine may be classifying meanwhile. A CUDA device is
// refused when there is none; `threads` is checked for its range only.
Result<ModelFolder> checkModelFolder(const QString &dir, const QString &device, int threads);

// A model error as the window shows it: without the command-line advice
// (--model-dir) the core's messages carry for the commands.
QString plainModelError(const QString &message);

} // namespace listinglens::ui
