"""Writes the .npy and .npz files NpyArrayTest reads, with NumPy's own writer (numpy 1.24.2).

Every numeric array holds the values arange(n) - 3 shaped as named (in its own dtype), so that a test can check each
element against its position; the text arrays, the float16 and the Fortran-ordered arrays say what they hold below.
Run from this folder: /usr/bin/python3 make_arrays.py
"""
import numpy as np

values = np.arange(6) - 3
for dtype in ["<i1", "<i2", "<i4", "<i8", ">i4", "<f4", ">f8", "<f8"]:
    np.save(f"{dtype.replace('<', 'le_').replace('>', 'be_')}.npy", values.astype(dtype).reshape(2, 3))
for dtype in ["|u1", "<u2", "<u4", "<u8"]:
    np.save(f"{dtype.replace('|', '').replace('<', 'le_')}.npy", (np.arange(6) + 250).astype(dtype).reshape(2, 3))
np.save("bool.npy", np.array([True, False, True]))
np.save("f2.npy", np.array([0.5, -2.0, 65504.0, 6.0e-8, np.inf, -0.0], dtype="<f2"))
np.save("fortran.npy", np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4)))
np.save("text.npy", np.array(["cat", "dog", "ünïcode", ""]))
np.save("bytes.npy", np.array([b"ab", b"c"]))
np.save("scalar.npy", np.float64(2.5))
np.save("objects.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
np.save("structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))
np.lib.format.write_array(open("version2.npy", "wb"), np.arange(4, dtype="<f4"), version=(2, 0))
np.savez("plain.npz", x=np.arange(12, dtype="|u1").reshape(3, 2, 2), y=np.array([2, 0, 1]))
np.savez_compressed("compressed.npz", x_train=np.arange(6, dtype="<f8").reshape(3, 2), y_train=np.array(["b", "a", "b"]))
np.save("u8_max.npy", np.array([2**64 - 1, 2**63], dtype="<u8"))
