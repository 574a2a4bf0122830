import { groupRecipeType } from './group.js';
import { joinRecipeType } from './join.js';
import { prepareRecipeType } from './prepare.js';
import {
  distinctRecipeType,
  pivotRecipeType,
  sampleRecipeType,
  sortRecipeType,
  stackRecipeType,
  topNRecipeType,
} from './reshape-recipes.js';
import { splitRecipeType } from './split.js';
import { windowRecipeType } from './window.js';

/** The visual recipe types, in the order the UI offers them. */
export const visualRecipeTypes = [
  prepareRecipeType,
  joinRecipeType,
  groupRecipeType,
  windowRecipeType,
  distinctRecipeType,
  sortRecipeType,
  topNRecipeType,
  stackRecipeType,
  splitRecipeType,
  pivotRecipeType,
  sampleRecipeType,
];
