// swift-tools-version: 6.0
// A client generated from docs/openapi.json with apple/swift-openapi-generator:
// it enrols a person and screens a traveller against a running daemon
// (docs/api.md, "A generated client"). Not part of Vigil's build.
import PackageDescription

let package = Package(
    name: "VigilGeneratedClient",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", exact: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", exact: "1.4.0"),
    ],
    targets: [
        .executableTarget(
            name: "VigilClientDemo",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
    ]
)
