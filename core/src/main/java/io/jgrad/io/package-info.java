/**
 * Files jgrad writes and reads: {@link io.jgrad.io.Safetensors} (model weights and checkpoints in the
 * safetensors format that PyTorch and Hugging Face tools read), {@link io.jgrad.io.AtomicFiles} (a crash
 * mid-save never loses the previous file), NumPy's arrays ({@link io.jgrad.io.NpyArray}, {@link
 * io.jgrad.io.NpzArchive}: what a Python pipeline saves) and {@link io.jgrad.io.InvalidFileException}, the one
 * unchecked exception every jgrad reader throws for a missing, unreadable or malformed file.
 *
 * <p>Readers trust nothing in a file: every length and offset is checked against the bytes actually
 * present before anything is allocated, so a hostile file costs at most memory proportional to its size.
 */
package io.jgrad.io;
