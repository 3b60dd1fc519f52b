// Copies what tsc does not emit into dist/: node and credential icons and
// the codex files (*.node.json) n8n reads for a node's category and docs links.
const { src, dest } = require('gulp');

function buildAssets() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
		allowEmpty: true,
	}).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
