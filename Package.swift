// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Linalg",
    // MARK: - Public API
    products: [
        .library(name: "Linalg", targets: ["Linalg"]),
        .library(name: "LinalgReference", targets: ["LinalgReference"]),
        .library(name: "LinalgData", targets: ["LinalgData"]),
        .executable(name: "linalg", targets: ["LinalgCLI"]),
        .executable(name: "bench", targets: ["Bench"]),
    ],
    traits: [
        .trait(
            name: "MPI",
            description: "Data-parallel Newton and SGD across the ranks of `mpirun` (needs Open MPI: libopenmpi-dev)."
        )
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target Linalg` (DocC); nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // MARK: - Public API
        /// The models: the MLP and its derivatives, logistic regression and its Newton solver;
        /// re-exports LinalgCore and LinalgKernels.
        .target(
            name: "Linalg",
            dependencies: ["LinalgCore", "LinalgKernels"]
        ),
        /// The vocabulary of every layer (pure Swift): `Matrix`, `LinalgError`, seeded random
        /// generators, `Activation`; re-exported by `Linalg` and `LinalgData`.
        .target(name: "LinalgCore"),
        .target(name: "LinalgReference", dependencies: ["LinalgCore"]),
        /// The data layer: CSV/TSV, .npy/.npz and libsvm readers and writers into `Matrix`.
        .target(
            name: "LinalgData",
            dependencies: ["LinalgCore", "LinalgParallel", "CLinalgText", "CLinalgZlib"]
        ),

        // MARK: - Implementation details
        /// The checked kernel layer, the only importer of CLinalgBLAS, CLinalgLAPACKE and
        /// CLinalgKernels (LinalgData owns CLinalgText and CLinalgZlib): BLAS and LAPACK with
        /// shapes checked and `info` codes as errors, the vectorised element-wise kernels, and
        /// OpenBLAS's thread control around the parallel passes.
        .target(
            name: "LinalgKernels",
            dependencies: ["LinalgCore", "LinalgParallel", "CLinalgBLAS", "CLinalgLAPACKE", "CLinalgKernels"]
        ),
        /// The thread pool of every layer (`ParallelChunks`), pure Swift with no BLAS state: the
        /// data layer reads in parallel without touching OpenBLAS's thread count.
        .target(name: "LinalgParallel"),
        /// C kernels behind one dispatch table filled from the CPU's features (reference and
        /// AVX2+FMA versions): exp/sigmoid, element-wise scalings, small products, and the
        /// register-tiled `C += BᵀB` of the logistic Hessian.
        .target(name: "CLinalgKernels"),
        /// Numbers as text (std::from_chars / std::to_chars) and the CSV and libsvm line scanners.
        .target(name: "CLinalgText"),
        .systemLibrary(
            name: "CLinalgZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLinalgBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLinalgLAPACKE",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]
        ),
        /// Open MPI's C API with the handles Swift cannot import (macros) as functions; used only
        /// with the `MPI` trait.
        .systemLibrary(
            name: "CLinalgMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        /// `Communicator`: rank, size, all-reduce, broadcast, barrier and abort over
        /// `MPI_COMM_WORLD`, with typed errors. Empty without the `MPI` trait.
        .target(
            name: "LinalgMPI",
            dependencies: [.target(name: "CLinalgMPI", condition: .when(traits: ["MPI"]))]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "LinalgCLI",
            dependencies: [
                "Linalg", "LinalgData", "LinalgCore",
                .target(name: "LinalgMPI", condition: .when(traits: ["MPI"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "Bench",
            dependencies: [
                "Linalg", "LinalgData", "LinalgReference", "BenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Bench"
        ),
        /// The readers' fuzz target: libFuzzer with `-DFUZZING` (scripts/fuzz.sh), else a corpus replayer.
        .executableTarget(name: "linalg-fuzz", dependencies: ["LinalgData"], path: "Fuzz/LinalgFuzz"),
        /// Flop counts, statistics and the JSON record writer of the benchmark (unit-tested).
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport"),

        // MARK: - Unit test bundles
        .testTarget(name: "LinalgTests", dependencies: ["Linalg", "LinalgReference"]),
        .testTarget(name: "LinalgDataTests", dependencies: ["LinalgData"]),
        .testTarget(name: "LinalgCLITests", dependencies: ["LinalgCLI", "Linalg", "LinalgData"]),
        .testTarget(name: "BenchSupportTests", dependencies: ["BenchSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
