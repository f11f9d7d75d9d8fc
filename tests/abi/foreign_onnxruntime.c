/* A foreign libonnxruntime.so put beside the host executable (another program may ship one in its
 * folder, as OBS's bin folder can hold one): a valid library without ONNX Runtime's entry points.
 * The core must load its own runtime from its own folder, never this one. */
int aisp_foreign_onnxruntime = 1;
