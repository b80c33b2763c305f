// Token ids for the SST-2 dev rows, made by Hugging Face tokenizers (npm `tokenizers`), so the
// goldens are fed exactly what the fixture models were trained on.
//
//   NODE_PATH=/work/npm/node_modules node tools/goldens/encode_sst2.mjs \
//       bert|roberta <fixtures dir> <out.json> [--strip]
//
// bert:    WordPiece over <fixtures>/models/bert-base-uncased-vocab/vocab.txt with BERT's uncased
//          normaliser (clean text, CJK spacing, strip accents, lowercase), BERT pre-tokenizer and
//          [CLS] A [SEP] processing (what BertWordPieceTokenizer(lowercase=True) builds).
// roberta: <fixtures>/models/sst2-roberta-tiny/tokenizer.json as is.
// --strip: trim the sentence first (the dev.tsv rows end with a space; byte-level BPE turns a
//          trailing space into its own token, WordPiece ignores it).
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';

const require = createRequire(import.meta.url);
const tk = require('tokenizers');

const [kind, fixtures, outPath, ...flags] = process.argv.slice(2);
if (!kind || !fixtures || !outPath) {
  console.error('usage: encode_sst2.mjs bert|roberta <fixtures dir> <out.json> [--strip]');
  process.exit(2);
}
const strip = flags.includes('--strip');

async function makeTokenizer() {
  if (kind === 'bert') {
    const vocab = path.join(fixtures, 'models/bert-base-uncased-vocab/vocab.txt');
    const model = await tk.WordPiece.fromFile(vocab, { unkToken: '[UNK]' });
    const t = new tk.Tokenizer(model);
    t.setNormalizer(tk.bertNormalizer({ cleanText: true, handleChineseChars: true,
                                        stripAccents: true, lowercase: true }));
    t.setPreTokenizer(tk.bertPreTokenizer());
    t.setPostProcessor(tk.bertProcessing(['[SEP]', t.tokenToId('[SEP]')],
                                         ['[CLS]', t.tokenToId('[CLS]')]));
    return t;
  }
  if (kind === 'roberta') {
    return tk.Tokenizer.fromFile(path.join(fixtures, 'models/sst2-roberta-tiny/tokenizer.json'));
  }
  throw new Error(`unknown tokenizer kind ${kind}`);
}

const tok = await makeTokenizer();
const lines = fs.readFileSync(path.join(fixtures, 'glue/SST-2/dev.tsv'), 'utf8').split('\n');
const ids = [];
const labels = [];
for (const line of lines.slice(1)) {
  if (line.length === 0) continue;
  const tab = line.lastIndexOf('\t');
  const sentence = line.slice(0, tab);
  const enc = await tok.encode(strip ? sentence.trim() : sentence);
  ids.push(enc.getIds());
  labels.push(Number(line.slice(tab + 1)));
}
fs.writeFileSync(outPath, JSON.stringify({
  generator: `tools/goldens/encode_sst2.mjs (npm tokenizers ${require('tokenizers/package.json').version})`,
  tokenizer: kind, strip, ids, labels }));
console.log(`${kind}: ${ids.length} rows, first: ${JSON.stringify(ids[0])}`);
