const { src, dest } = require('gulp');

/** Copies the files n8n reads beside the built code: SVG icons and codex (*.node.json) files. */
function buildAssets() {
	return src(['icons/*.svg', 'nodes/**/*.svg', 'nodes/**/*.node.json', 'credentials/**/*.svg'], { base: '.' }).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
